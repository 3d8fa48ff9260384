import sys, subprocess
import os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); os.makedirs('/tmp/review', exist_ok=True)
from common import r, D
# gen_b.py DEFECT [grid] [comma]: the same study with a full grid or rules under the rows only, thousands
# grouped by spaces or by commas (B = rules + spaces, Bcomma, Bgrid, BgridSpace = grid + spaces)
defect = sys.argv[1] if len(sys.argv)>1 else 'clean'
grid = 'grid' in sys.argv[2:]
comma = 'comma' in sys.argv[2:]
stem = {(False, False): 'B', (False, True): 'Bcomma', (True, True): 'Bgrid', (True, False): 'BgridSpace'}[grid, comma]
def f(x,n=1): return f"{r(x,n):,.{n}f}" if comma else f"{r(x,n):,.{n}f}".replace(',', ' ')
out=D('16400')  # t pellets per year
mats=[('Post-consumer HDPE bales','Supplier EPD (2023)',D('19850'),D('0.412')),
('Virgin HDPE (blend-in)','ecoinvent 3.10, RER',D('1240'),D('1.930')),
('Colour masterbatch','ecoinvent 3.10, GLO',D('96.5'),D('3.610')),
('Antioxidant additive','ecoinvent 3.10, GLO',D('18.2'),D('5.240')),
('Washing detergent','ecoinvent 3.10, RER',D('142.0'),D('1.150')),
('Big bags (PP)','ecoinvent 3.10, RER',D('61.4'),D('2.030'))]
me=[r(q*e/1000*1000,1)/1000 for _,_,q,e in mats]  # placeholder
me=[r(q*e,1) for _,_,q,e in mats]  # t x kg/kg = t CO2e ; print 1 decimal
ms=sum(me)
legs=[('Bale collection, regional','Rigid truck 7.5-17 t',D('2310'),D('512'),D('2.66')),
('Bale import, NL → DE','Articulated truck >33 t',D('486'),D('298'),D('2.66')),
('Pellet delivery to converters','Articulated truck >33 t',D('1120'),D('305'),D('2.66'))]
lit=[t*l for _,_,t,l,_ in legs]  # litres total = trips x litres/trip
le=[r(L*e/1000,1) for L,(_,_,_,_,e) in zip(lit,legs)]
ls=sum(le[:2]); dist=le[2]
en=[('Grid electricity (DE)','kWh',D('9874000'),D('0.380'),'UBA 2023'),
('Natural gas (dryers)','kWh',D('1642000'),D('0.183'),'DESNZ 2024'),
('Diesel, forklifts','L',D('12650'),D('2.66'),'DESNZ 2024')]
ee=[r(a*e/1000,1) for _,_,a,e,_ in en]
s1=ee[1]+ee[2]; s2=ee[0]
total=ms+ls+s1+s2+dist
pu=r(total/out*1000,1)  # kg CO2e per t
le_p=list(le); me_p=list(me); ms_p=ms
if defect=='typo': me_p[1]=me_p[1]+D('90')  # 2393.2 -> 2483.2
if defect=='subtotal': ms_p=ms+D('100')
if defect=='litres': pass
rows=lambda rr: ''.join('<tr>'+''.join(f'<td>{c}</td>' for c in row)+'</tr>' for row in rr)
mat_rows=[[n,s,f(q),f"{e:.3f}",f(v)] for (n,s,q,e),v in zip(mats,me_p)]
lit_p=list(lit)
if defect=='litres': lit_p[0]=lit_p[0]+D('10000')
tr_rows=[[n,m,f(t,0),f(l,0),f(L,0),f"{e:.2f}",f(v)] for (n,m,t,l,e),L,v in zip(legs,lit_p,le_p)]
en_rows=[[n,u,f(a,0),f"{e:.3f}",s,f(v)] for (n,u,a,e,s),v in zip(en,ee)]
def sh(x): return f"{r(x/total*100,1)}"
html=f"""<html><head><meta charset="utf-8"><style>
body{{font-family:'DejaVu Sans',Arial;font-size:10pt;margin:0}}
@page{{size:A4;margin:22mm 18mm}}
h1{{font-size:15pt;color:#1d4e89;border-bottom:2px solid #1d4e89}} h2{{font-size:12pt;color:#1d4e89}}
table{{border-collapse:collapse;width:100%;margin:6px 0 4px}} td,th{{{'border' if grid else 'border-bottom'}:1px solid #999;padding:3px 5px;font-size:9pt}}
th{{background:#1d4e89;color:white;text-align:left}} td:not(:first-child){{text-align:right}}
.cap{{font-size:9pt;font-style:italic;color:#333}} .pb{{page-break-before:always}} .tot td{{font-weight:bold;border-top:2px solid #000}}
.dc td{{text-align:left!important;border:1px solid #999}}
</style></head><body>
<div style="height:60mm"></div>
<div style="font-size:26pt;color:#1d4e89;font-weight:bold">Product Carbon Footprint Study</div>
<div style="font-size:16pt;margin:8px 0 30mm">Recycled HDPE pellets (rHDPE-B40), cradle-to-gate with distribution</div>
<table class="dc"><tr><td>Title</td><td>Carbon footprint of rHDPE-B40 pellets, reporting year 2024</td></tr>
<tr><td>Client</td><td>Rhein Polymer Recycling GmbH</td></tr><tr><td>Report number</td><td>EC-2025-118-PCF</td></tr>
<tr><td>Version</td><td>2.1 (final)</td></tr><tr><td>Date of issue</td><td>14 April 2025</td></tr>
<tr><td>Prepared by</td><td>M. Keller, EcoCarbon Consulting Ltd</td></tr><tr><td>Reviewed by</td><td>Dr. S. Ahmed (independent critical review)</td></tr>
<tr><td>Standard</td><td>ISO 14067:2018; GHG Protocol Product Standard</td></tr></table>
<h1 class="pb">Executive summary</h1>
<p>In 2024 the Duisburg plant produced {f(out,0)} t of rHDPE-B40 pellets. Total greenhouse-gas emissions attributable to this output were
{f(total)} t CO2e, which corresponds to a product carbon footprint of <b>{f(pu)} kg CO2e per tonne of pellets</b>.</p>
<p>Purchased raw materials (Category 1) contribute {f(ms)} t CO2e ({sh(ms)}%), purchased electricity (Scope 2) {f(s2)} t CO2e ({sh(s2)}%),
on-site fuel combustion (Scope 1) {f(s1)} t CO2e ({sh(s1)}%), inbound transport (Category 4) {f(ls)} t CO2e ({sh(ls)}%) and
outbound distribution (Category 9) {f(dist)} t CO2e ({sh(dist)}%).</p>
<h1>1 Goal and scope</h1>
<p>The declared unit is 1 tonne of rHDPE-B40 pellets at the customer gate. The system boundary covers raw material supply, inbound
transport, recycling operations at the Duisburg plant and delivery to converters. Use and end of life are excluded. Capital goods
and employee commuting are excluded (below 1% of the total in the screening).</p>
<p>All emissions are first quantified for the full year of production and then divided by the annual output (physical allocation; the
plant makes a single product).</p>
<h1>2 Inventory</h1><h2>2.1 Purchased goods (Category 1)</h2>
<p class="cap">Table 1. Raw and auxiliary materials, 2024</p>
<table><tr><th>Material</th><th>Data source</th><th>Quantity (t)</th><th>EF (kg CO2e/kg)</th><th>Emissions (t CO2e)</th></tr>
{rows(mat_rows)}<tr class="tot"><td>Subtotal</td><td></td><td></td><td></td><td>{f(ms_p)}</td></tr></table>
<h2>2.2 Transport (Categories 4 and 9)</h2>
<p>Transport emissions were calculated from the carriers' fuel records (litres of diesel per trip), using the DESNZ 2024 well-to-wheel
factor for diesel (average biofuel blend).</p>
<p class="cap">Table 2. Transport legs by fuel consumption</p>
<table><tr><th>Leg</th><th>Vehicle</th><th>Trips</th><th>Diesel per trip (L)</th><th>Diesel total (L)</th><th>EF (kg CO2e/L)</th><th>Emissions (t CO2e)</th></tr>
{rows(tr_rows)}<tr class="tot"><td>Total</td><td></td><td></td><td></td><td></td><td></td><td>{f(sum(le))}</td></tr></table>
<h2>2.3 Energy at the plant (Scope 1 and Scope 2)</h2>
<p class="cap">Table 3. Energy consumption, 2024</p>
<table><tr><th>Energy carrier</th><th>Unit</th><th>Annual consumption</th><th>EF (kg CO2e/unit)</th><th>Source</th><th>Emissions (t CO2e)</th></tr>
{rows(en_rows)}<tr class="tot"><td>Total</td><td></td><td></td><td></td><td></td><td>{f(sum(ee))}</td></tr></table>
<h1 class="pb">3 Results</h1>
<p class="cap">Table 4. Annual emissions by category and footprint per declared unit</p>
<table><tr><th>Category</th><th>Emissions (t CO2e)</th><th>Share (%)</th><th>kg CO2e per t pellets</th></tr>
{rows([[n,f(v),sh(v),f(v/out*1000)] for n,v in [('Purchased goods (Category 1)',ms),('Inbound transport (Category 4)',ls),('Scope 1 – fuel combustion',s1),('Scope 2 – purchased electricity',s2),('Outbound distribution (Category 9)',dist)]])}
<tr class="tot"><td>Total</td><td>{f(total)}</td><td>100.0</td><td>{f(pu)}</td></tr></table>
<p>Annual total {f(total)} t CO2e / annual output {f(out,0)} t = {f(pu)} kg CO2e/t.</p>
<h1>4 Interpretation and conclusions</h1>
<p>The footprint of rHDPE-B40 is {f(pu)} kg CO2e per tonne, well below virgin HDPE (1 930 kg CO2e/t, ecoinvent 3.10).
Post-consumer bales dominate the result ({f(me[0])} t CO2e); electricity is the second hotspot. Switching to a certified
green-power tariff would cut the footprint by up to {f(s2/out*1000)} kg CO2e/t.</p>
<p>Data quality was rated good (primary data for all foreground flows). The sensitivity of the result to the supplier EPD factor for
bales (±10%) is ±{f(me[0]*D('0.1')/out*1000)} kg CO2e/t.</p>
</body></html>"""
open(f'/tmp/review/{stem}_{defect}.html','w').write(html)
subprocess.run(['/usr/bin/chromium','--headless','--no-sandbox','--disable-gpu','--no-pdf-header-footer',f'--print-to-pdf=/tmp/review/{stem}_{defect}.pdf',f'/tmp/review/{stem}_{defect}.html'],capture_output=True)
print(defect,'ms',ms,'ls',ls,'dist',dist,'s1',s1,'s2',s2,'total',total,'pu',pu, me, le, ee)
