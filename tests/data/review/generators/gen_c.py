import sys
import os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); os.makedirs('/tmp/review', exist_ok=True)
from common import *
from reportlab.platypus import SimpleDocTemplate, Paragraph, Table, TableStyle, Spacer, PageBreak
from reportlab.lib.pagesizes import A4
defect = sys.argv[1] if len(sys.argv)>1 else 'clean'
S=styles()
# FU: 1 台 家用空调室外机; kgCO2e/台
inv=[('原材料获取','金属材料','冷轧钢板','kg',D('18.60'),D('2.60')),
('原材料获取','金属材料','铜管','kg',D('3.85'),D('4.90')),
('原材料获取','金属材料','铝箔','kg',D('2.10'),D('20.30')),
('原材料获取','非金属材料','聚丙烯','kg',D('4.20'),D('1.587')),
('原材料获取','非金属材料','制冷剂R32','kg',D('0.95'),D('6.25')),
('原材料获取','包装材料','瓦楞纸箱','kg',D('1.80'),D('1.10')),
('原材料获取','包装材料','EPS泡沫','kg',D('0.60'),D('3.40')),
('产品生产','能源消耗','电力','kWh',D('28.40'),D('0.5777')),
('产品生产','能源消耗','天然气','m3',D('1.35'),D('2.162')),
('产品生产','过程排放','R32灌注逸散','kg',D('0.004'),D('771')),
('产品分销','公路运输','重型柴油货车','t·km',D('36.50'),D('0.0978')),
('产品分销','铁路运输','铁路','t·km',D('48.00'),D('0.0065'))]
em=[r(q*f) for *_,q,f in inv]
stages=['原材料获取','产品生产','产品分销']
subs=[]
for s in stages:
    for sub in dict.fromkeys(x[1] for x in inv if x[0]==s):
        subs.append((s,sub,sum(e for x,e in zip(inv,em) if x[0]==s and x[1]==sub)))
st_tot={s:sum(v for a,_,v in subs if a==s) for s in stages}
total=sum(st_tot.values())
doc=SimpleDocTemplate(f'/tmp/review/C_{defect}.pdf',pagesize=A4,leftMargin=55,rightMargin=55,topMargin=60,bottomMargin=60)
B=ParagraphStyle('bb',parent=S['body'])
p=lambda t,s='body': Paragraph(t,S[s])
st=[Spacer(1,150),p('KFR-35W/BP3 家用变频空调室外机','title'),p('产品碳足迹报告','title'),Spacer(1,80),
p('委托单位：广东美锐电器股份有限公司'),p('编制单位：深圳绿标检测认证有限公司'),p('报告编号：GLT-CFP-2025-0093'),p('报告日期：2025年6月30日'),PageBreak()]
st+=[p('一、报告摘要','h1'),p(f'本报告依据 GB/T 24067-2024，以“1 台 KFR-35W/BP3 室外机”为功能单位，评价其从摇篮到大门并包含产品分销阶段的碳足迹。'
 f'核算结果为 {fmt(total)} kgCO2e/台<super>注1</super>。其中原材料获取阶段占比最大（{fmt(st_tot["原材料获取"]/total*100)}%），为 {fmt(st_tot["原材料获取"])} kgCO2e；'
 f'产品生产阶段 {fmt(st_tot["产品生产"])} kgCO2e，占 {fmt(st_tot["产品生产"]/total*100)}%；产品分销阶段 {fmt(st_tot["产品分销"])} kgCO2e，占 {fmt(st_tot["产品分销"]/total*100)}%。'),
 p('二、目标与范围','h1'),p('2.1 功能单位：1 台 KFR-35W/BP3 家用变频空调室外机，整机质量 36.5 kg（含包装 38.9 kg）。'),
 p('2.2 系统边界：原材料获取、产品生产、产品分销三个生命周期阶段；产品使用及废弃处置阶段不在本次评价范围内。'),
 p('2.3 数据来源：前景数据来自企业 2024 年度生产统计，背景数据来自 CPCD 及 Ecoinvent 3.10。GWP 采用 IPCC AR6 100 年值（R32 为 771）。'),
 p('三、生命周期清单','h1'),p('表 1 生命周期清单及碳排放','cap')]
rows=[['生命周期阶段','子阶段','清单项','单位','单位产品数量','排放因子 (kgCO2e/单位)','碳排放量 (kgCO2e/台)']]
for (a,b,c,u,q,f),e in zip(inv,em): rows.append([a,b,c,u,f'{q}',f'{f}',fmt(e)])
t=Table(rows,colWidths=[62,58,80,36,62,90,82]);t.setStyle(TableStyle([('FONT',(0,0),(-1,-1),F,8.5),('GRID',(0,0),(-1,-1),0.5,colors.black),('ALIGN',(4,1),(-1,-1),'RIGHT')]))
st+=[t,p('注：R32灌注逸散量按灌注量 0.95 kg 的 0.42% 估算，即 0.004 kg/台；分销运输距离按 2024 年销售加权平均 1,000 km、整机含包装 0.0389 t 折算。','foot'),PageBreak()]
st+=[p('四、碳足迹结果','h1'),p('表 2 各生命周期阶段碳排放汇总','cap')]
rows=[['生命周期阶段','子阶段','碳排放量 (kgCO2e/台)','占比 (%)']]
bold=[]
for s in stages:
    for a,b,v in subs:
        if a==s: rows.append([('' if (defect.startswith('blank') and rows[-1][0]==a) or (defect.startswith('blank') and rows[-1][0]=='' ) else a),b,fmt(v),fmt(v/total*100)])
    sv=st_tot[s]
    if defect in('subtotal','blanksub') and s=='原材料获取': sv=sv+D('1.00')
    rows.append([f'{s}小计','',fmt(sv),fmt(st_tot[s]/total*100)]); bold.append(len(rows)-1)
tot_p = total if defect!='total' else total+D('0.90')
rows.append(['合计','',fmt(tot_p),'100.00']); bold.append(len(rows)-1)
sty=[('FONT',(0,0),(-1,-1),F,9.5),('LINEABOVE',(0,0),(-1,0),1.2,colors.black),('LINEBELOW',(0,0),(-1,0),0.6,colors.black),('LINEBELOW',(0,-1),(-1,-1),1.2,colors.black),('ALIGN',(2,0),(-1,-1),'RIGHT')]
for i in bold: sty.append(('FONT',(0,i),(-1,i),F,10)); sty.append(('TEXTCOLOR',(0,i),(-1,i),colors.HexColor('#000000')))
t=Table(rows,colWidths=[110,90,130,80]);t.setStyle(TableStyle(sty))
st+=[t,p('注1：结果保留两位小数，各分项之和与合计可能存在 ±0.01 的舍入差异。注2：电力排放因子采用 2024 年全国电力碳足迹因子 0.5777 kgCO2e/kWh。','foot'),
 p('五、结论','h1'),p(f'KFR-35W/BP3 室外机单台碳足迹为 {fmt(total)} kgCO2e。铝箔（{fmt(em[2])} kgCO2e）与冷轧钢板（{fmt(em[0])} kgCO2e）是主要排放源，建议提高再生铝使用比例。')]
doc.build(st)
print(defect,total,st_tot,em)
