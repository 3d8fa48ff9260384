import sys
import os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); os.makedirs('/tmp/review', exist_ok=True)
from common import r, D, fmt
from reportlab.platypus import SimpleDocTemplate, Paragraph, Table, TableStyle, Spacer, PageBreak
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet, ParagraphStyle
from reportlab.lib import colors
defect = sys.argv[1] if len(sys.argv)>1 else 'clean'
ss=getSampleStyleSheet(); B=ss['BodyText']; H1=ss['Heading1']; H2=ss['Heading2']
cap=ParagraphStyle('cap',parent=B,fontSize=9,fontName='Helvetica-Oblique')
# DU: 1 m2 of triple glazed unit (32 kg)
mats=[('Float glass, 4 mm','ecoinvent 3.10 RER',D('30.00'),D('1.060')),
('Aluminium spacer bar','Supplier EPD 2024',D('0.42'),D('8.900')),
('Butyl sealant','ecoinvent 3.10 GLO',D('0.08'),D('3.150')),
('Polysulfide sealant','ecoinvent 3.10 GLO',D('0.65'),D('2.480')),
('Molecular sieve desiccant','ecoinvent 3.10 GLO',D('0.21'),D('1.800')),
('Argon','ecoinvent 3.10 RER',D('0.07'),D('0.560')),
('Timber stillage (share)','ecoinvent 3.10 RER',D('0.90'),D('0.310'))]
me=[r(q*f,3) for *_,q,f in mats]; A1=sum(me)
legs=[('Glass, Ghent → plant',D('0.0300'),D('340'),'Truck >32 t, Euro VI',D('0.0780')),
('Spacer, Lublin → plant',D('0.00042'),D('910'),'Truck >32 t, Euro VI',D('0.0780')),
('Sealants, Antwerp → plant',D('0.00073'),D('420'),'Truck 16-32 t',D('0.1050'))]
tkm=[r(m*d,4) for _,m,d,_,_ in legs]; le=[r(t*f,3) for t,(*_,f) in zip(tkm,legs)]; A2=sum(le)
en=[('Electricity, DE grid','kWh',D('11.20'),D('0.380')),('Natural gas','kWh',D('3.40'),D('0.201'))]
ee=[r(q*f,3) for _,_,q,f in en]; A3=sum(ee)
DA4=r(D('0.032')*D('650')*D('0.078'),3)
C=D('0.512'); Dm=D('-3.850')
# matrix: fossil, biogenic, luluc per module
fossil={'A1':A1-D('0.310')*0, 'A2':A2,'A3':A3,'A4':DA4,'C1-C4':C,'D':Dm}
bio={'A1':D('-0.279'),'A2':D('0'),'A3':D('0'),'A4':D('0'),'C1-C4':D('0.279'),'D':D('0')}
luluc={'A1':D('0.012'),'A2':D('0.000'),'A3':D('0.001'),'A4':D('0.000'),'C1-C4':D('0.000'),'D':D('0')}
mods=['A1','A2','A3','A4','C1-C4']
tot={m:fossil[m]+bio[m]+luluc[m] for m in mods+['D']}
def e(x): return f"{float(x):.2E}"
# use values rounded at 3 sig figs in E notation; compute totals from unrounded then present; modules sum check tolerance
T_f=sum(fossil[m] for m in mods); T_b=sum(bio[m] for m in mods); T_l=sum(luluc[m] for m in mods); T=sum(tot[m] for m in mods)
A13=tot['A1']+tot['A2']+tot['A3']
doc=SimpleDocTemplate(f'/tmp/review/D_{defect}.pdf',pagesize=A4,leftMargin=50,rightMargin=50)
st=[Spacer(1,100),Paragraph('<font size=24>Carbon Footprint of Product</font>',H1),Spacer(1,10),
Paragraph('<font size=15>ThermoLite TG-44 triple-glazed insulating glass unit</font>',H2),Spacer(1,40)]
dc=[['Title','Product carbon footprint study – ThermoLite TG-44'],['Client','NordGlas Isoliertechnik GmbH'],['Report number','PCF-NG-2025-007'],['Version','1.0'],['Date of issue','3 March 2025'],['Prepared by','L. Vandenberghe, Carbon Footprint Partners BV'],['Reviewed by','K. Nowak (third-party verifier)']]
t=Table(dc,colWidths=[110,330]);t.setStyle(TableStyle([('GRID',(0,0),(-1,-1),0.5,colors.grey),('FONTNAME',(0,0),(0,-1),'Helvetica-Bold')]));st+=[t,PageBreak()]
st+=[Paragraph('Summary',H1),Paragraph(f'The carbon footprint of 1 m² of ThermoLite TG-44 (32 kg) is {T:.2f} kg CO2e (GWP-total, modules A1-A4 and C1-C4). '
 f'Raw material supply (A1) contributes {tot["A1"]:.2f} kg CO2e ({r(tot["A1"]/T*100,1)}%). A1-A3 account for {r(A13/T*100,1)}% of the total. '
 f'Benefits beyond the system boundary (D) of {Dm:.2f} kg CO2e are reported separately and not included in the total.',B),
 Paragraph('1 Goal and scope',H1),Paragraph('Declared unit: 1 m² of insulating glass unit, 4/16/4/16/4 mm, argon filled. System boundary: cradle to gate with options (A1-A3, A4, C1-C4, D) according to ISO 14067:2018 and EN 15804+A2. Use stage (B1-B7) is not declared. Characterisation: IPCC AR6 GWP100.',B),
 Paragraph('2 Inventory',H1),Paragraph('2.1 Raw material supply (A1)',H2),Paragraph('Table 1 – Bill of materials per declared unit',cap)]
rows=[['Material','Dataset','Mass (kg)','EF (kg CO2e/kg)','kg CO2e']]+[[n,s,f'{q:.2f}',f'{f:.3f}',f'{v:.3f}'] for (n,s,q,f),v in zip(mats,me)]+[['Subtotal','','','',f'{A1:.3f}']]
ts=TableStyle([('GRID',(0,0),(-1,-1),0.4,colors.grey),('FONTSIZE',(0,0),(-1,-1),8.5),('BACKGROUND',(0,0),(-1,0),colors.HexColor('#d9e2f3')),('ALIGN',(2,0),(-1,-1),'RIGHT')])
t=Table(rows);t.setStyle(ts);st+=[t,Paragraph('Table 1 reports fossil emissions (GWP-fossil). The GWP-total of A1 additionally includes the biogenic carbon uptake of the timber stillage (-0.279 kg CO2e) and land-use change (0.012 kg CO2e), see Table 4.',B)]
tkm_p=list(tkm)
if defect=='tkm': tkm_p[0]=D('11.2000')
st+=[Paragraph('2.2 Transport to manufacturer (A2)',H2),Paragraph('Table 2 – Inbound transport legs (GLEC Framework v3 defaults)',cap)]
rows=[['Leg','Mass (t)','Distance (km)','Mode','t·km','EF (kg CO2e/t·km)','kg CO2e']]+[[n,f'{m}',f'{d}',mo,f'{t}',f'{f}',f'{v:.3f}'] for (n,m,d,mo,f),t,v in zip(legs,tkm_p,le)]+[['Total','','','','','',f'{A2:.3f}']]
t=Table(rows);t.setStyle(ts);st+=[t]
st+=[Paragraph('2.3 Manufacturing (A3)',H2),Paragraph('Table 3 – Energy per declared unit (allocated by m² produced)',cap)]
rows=[['Energy carrier','Unit','Quantity','EF (kg CO2e/unit)','kg CO2e']]+[[n,u,f'{q}',f'{f}',f'{v:.3f}'] for (n,u,q,f),v in zip(en,ee)]+[['Total','','','',f'{A3:.3f}']]
t=Table(rows);t.setStyle(ts);st+=[t]
st+=[Paragraph(f'2.4 Distribution (A4): 0.032 t over 650 km by truck >32 t (0.078 kg CO2e/t·km) = {DA4:.3f} kg CO2e. End of life (C1-C4): dismantling, transport and landfill of glass, {C:.3f} kg CO2e.',B),PageBreak()]
st+=[Paragraph('3 Results',H1),Paragraph('Table 4 – Climate change indicators per declared unit (kg CO2e)',cap)]
hdr=['Indicator']+mods+['Total','D']
mx=[]
for name,dd in [('GWP-total',tot),('GWP-fossil',fossil),('GWP-biogenic',bio),('GWP-luluc',luluc)]:
    tt=sum(dd[m] for m in mods)
    if defect=='matrix' and name=='GWP-fossil': dd=dict(dd); dd['A3']=dd['A3']*10
    mx.append([name]+[e(dd[m]) for m in mods]+[e(tt),e(dd['D'])])
t=Table([hdr]+mx);t.setStyle(ts);st+=[t]
st+=[Paragraph('Table 5 – Contribution by module',cap)]
rows=[['Module','kg CO2e','Share (%)']]+[[{'A1':'Raw material supply (A1)','A2':'Transport to manufacturer (A2)','A3':'Manufacturing (A3)','A4':'Distribution (A4)','C1-C4':'End of life (C1-C4)'}[m],f'{tot[m]:.2f}',f'{r(tot[m]/T*100,1)}'] for m in mods]+[['Total',f'{T:.2f}','100.0']]
t=Table(rows);t.setStyle(ts);st+=[t]
st+=[Paragraph('4 Conclusions',H1),Paragraph(f'Float glass dominates the footprint ({me[0]:.2f} kg CO2e of {T:.2f} kg CO2e). Using glass with 30% cullet content would reduce A1 by about 2 kg CO2e per m².',B)]
doc.build(st)
print(defect,'A1',A1,tot,'T',T,[str(tot[m]) for m in mods])
