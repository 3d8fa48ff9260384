import sys
import os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); os.makedirs('/tmp/review', exist_ok=True)
from common import *
from reportlab.platypus import SimpleDocTemplate, Paragraph, Table, TableStyle, Spacer, PageBreak
from reportlab.lib.pagesizes import A4
defect = sys.argv[1] if len(sys.argv)>1 else 'clean'
S=styles()
# FU: 1 t 热镀锌钢管. quantities in t per t product, factors in kgCO2e/t
mats=[('热轧带钢','Q235B 3.0mm',D('1.0420'),D('2050'),'CPCD 2022'),
('锌锭','0#Zn',D('0.0610'),D('3520'),'Ecoinvent 3.10'),
('盐酸(31%)','工业级',D('0.0185'),D('780'),'CPCD 2022'),
('氯化铵','助镀剂',D('0.0021'),D('1320'),'Ecoinvent 3.10'),
('氯化锌','助镀剂',D('0.0014'),D('2950'),'Ecoinvent 3.10'),
('钝化液','无铬',D('0.0008'),D('3100'),'Ecoinvent 3.10'),
('焊丝','H08A',D('0.0016'),D('2380'),'CPCD 2021'),
('防锈油','-',D('0.0012'),D('1010'),'CPCD 2022'),
('氢氧化钠','片碱',D('0.0030'),D('1290'),'Ecoinvent 3.10'),
('石灰','生石灰',D('0.0042'),D('1020'),'CPCD 2022'),
('包装钢带','32mm',D('0.0035'),D('2600'),'CPCD 2022'),
('塑料管帽','PE',D('0.0009'),D('2750'),'CPCD 2021'),
('木方垫块','松木',D('0.0060'),D('310'),'Ecoinvent 3.10'),
('标签纸','铜版纸',D('0.0002'),D('1150'),'Ecoinvent 3.10'),
('润滑脂','锂基',D('0.0003'),D('1350'),'Ecoinvent 3.10'),
('乳化液','-',D('0.0011'),D('1420'),'Ecoinvent 3.10'),
('耐火材料','高铝砖',D('0.0005'),D('960'),'CPCD 2022'),
('锌灰回收抵扣前投料','-',D('0.0004'),D('3520'),'Ecoinvent 3.10'),
('切割砂轮片','树脂',D('0.0001'),D('4200'),'Ecoinvent 3.10'),
('打包膜','LDPE',D('0.0007'),D('2620'),'CPCD 2021'),
('水处理絮凝剂','PAC',D('0.0006'),D('1530'),'Ecoinvent 3.10'),
('酸雾抑制剂','-',D('0.0001'),D('2200'),'Ecoinvent 3.10'),
('石墨电极','-',D('0.0001'),D('5100'),'Ecoinvent 3.10'),
('压缩空气干燥剂','分子筛',D('0.0001'),D('1800'),'Ecoinvent 3.10'),
]
em=[r(q*f) for _,_,q,f,_ in mats]
mat_sum=sum(em)
# transport
legs=[('热轧带钢',D('1.0420'),D('185'),'重型柴油货车',D('0.0978')),
('锌锭',D('0.0610'),D('1260'),'铁路',D('0.0065')),
('盐酸(31%)',D('0.0185'),D('60'),'重型柴油货车',D('0.0978')),
('其他辅料',D('0.0400'),D('150'),'重型柴油货车',D('0.0978'))]
tkm=[r(m*d,3) for _,m,d,_,_ in legs]
tem=[r(t*f) for t,(_,_,_,_,f) in zip(tkm,legs)]
tr_sum=sum(tem)
# energy annual / output
out=D('86500')
ens=[('外购电力',D('13926500'),'kWh',D('0.5777'),'生态环境部 2024年电力碳足迹因子'),
('天然气',D('2595000'),'m3',D('2.162'),'GB/T 32151.5 附录C'),
('柴油(厂内叉车)',D('51900'),'kg',D('3.0959'),'GB/T 32151.5 附录C')]
per=[r(a/out,4) for _,a,_,_,_ in ens]
een=[r(p*f) for p,(_,_,_,f,_) in zip(per,ens)]
en_sum=sum(een)
total=mat_sum+tr_sum+en_sum
if defect=='typo':   # digit typo in one material line
    em_print=list(em); em_print[1]=em_print[1]+D('9.00')  # 214.72 -> 223.72
else: em_print=list(em)
mat_sum_print = mat_sum if defect!='subtotal' else mat_sum+D('10.00')
tkm_print=list(tkm)
if defect=='tkm': tkm_print[0]=tkm_print[0]+D('10')  # 192.770 -> 202.770 but emissions stay
def sh(x,base): return fmt(x/base*100,2)+'%'
doc=SimpleDocTemplate(f'/tmp/review/A_{defect}.pdf',pagesize=A4,leftMargin=50,rightMargin=50,topMargin=60,bottomMargin=60)
st=[]
st+= [Spacer(1,120),Paragraph('产品碳足迹评价报告',S['title']),Spacer(1,20),
 Paragraph('DN100 热镀锌焊接钢管',S['title']),Spacer(1,60)]
cover=[['报告编号','CTC-PCF-2025-0417'],['委托方','河北华钢管业有限公司'],['评价机构','中环联合认证中心（示例）'],
['依据标准','GB/T 24067-2024 / ISO 14067:2018'],['功能单位','1 t 热镀锌焊接钢管'],['系统边界','从摇篮到大门'],
['数据时间范围','2024年1月1日—2024年12月31日'],['报告日期','2025年3月18日']]
t=Table(cover,colWidths=[120,260]);t.setStyle(TableStyle([('FONT',(0,0),(-1,-1),F,11),('GRID',(0,0),(-1,-1),0.5,colors.black),('BACKGROUND',(0,0),(0,-1),colors.HexColor('#eeeeee'))]))
st+=[t,PageBreak()]
st+=[Paragraph('摘要',S['h1']),Paragraph(
 f'本报告依据 GB/T 24067-2024 对河北华钢管业有限公司生产的 DN100 热镀锌焊接钢管开展从摇篮到大门的碳足迹评价。'
 f'经核算，1 t 热镀锌焊接钢管的碳足迹为 {fmt(total)} kgCO2e。其中原材料获取阶段排放 {fmt(mat_sum)} kgCO2e，占 {sh(mat_sum,total)}；'
 f'原材料运输阶段排放 {fmt(tr_sum)} kgCO2e，占 {sh(tr_sum,total)}；产品生产阶段排放 {fmt(en_sum)} kgCO2e，占 {sh(en_sum,total)}。'
 f'热轧带钢是最大的排放来源。',S['body']),
 Paragraph('1 目标与范围',S['h1']),Paragraph('1.1 功能单位：1 t 热镀锌焊接钢管（DN100，壁厚 3.0 mm）。',S['body']),
 Paragraph('1.2 系统边界：从摇篮到大门，包括原材料获取、原材料运输和产品生产三个阶段，不含产品分销、使用及废弃处置。背景数据取自中国产品全生命周期温室气体排放系数库（CPCD）及 Ecoinvent 3.10。',S['body']),
 Paragraph('1.3 取舍准则：质量占比小于 1% 且累计不超过 5% 的物料可忽略；本报告未进行取舍。',S['body']),
 Paragraph('2 数据收集与计算',S['h1']),Paragraph('2.1 原材料获取阶段',S['h2']),
 Paragraph('原辅材料消耗量来自企业 2024 年 ERP 领料记录，按年产量折算为单位产品用量（t/t 产品）。'*1,S['body']),Paragraph('原材料获取阶段包括热轧带钢、锌锭及各类辅料的开采、冶炼与加工过程。排放因子优先采用供应商提供的产品碳足迹数据，无法获取时采用 CPCD 数据库中的中国本地化数据，其次采用 Ecoinvent 3.10 数据库中的全球平均数据（RoW）。辅料中盐酸、氯化铵、氯化锌用于酸洗与助镀工序，钝化液用于镀后处理，包装材料按实际发货包装规格核算。各物料单位产品用量 = 年度领用量 / 年度合格品产量，领用量已扣除退库与转厂数量。'*3,S['body']),
 Paragraph('表 2-1 原辅材料消耗及碳排放清单',S['cap'])]
rows=[['序号','物料名称','规格','用量 (t)','排放因子','数据来源','碳排放量 (kgCO2e)','占比']]
for i,((n,s,q,f,src),e) in enumerate(zip(mats,em_print),1):
    rows.append([str(i),n,s,f'{q:.4f}',f'{f:,} kgCO2e/t',src,fmt(e),sh(em[i-1],mat_sum)])
rows.append(['小计','','','','','',fmt(mat_sum_print),'100.00%'])
ts=TableStyle([('FONT',(0,0),(-1,-1),F,8.5),('GRID',(0,0),(-1,-1),0.5,colors.black),('ALIGN',(3,0),(-1,-1),'RIGHT'),('BACKGROUND',(0,0),(-1,0),colors.HexColor('#dddddd'))])
t=Table([[Paragraph(c,S['cell']) for c in rows[0]]]+rows[1:],colWidths=[28,80,62,46,88,70,70,50],repeatRows=0);t.setStyle(ts)
st+=[t]
st+=[Paragraph('2.2 原材料运输阶段',S['h2']),Paragraph('表 2-2 原材料运输碳排放',S['cap'])]
rows=[['物料','重量 (t)','运输距离 (km)','运输方式','周转量 (t·km)','排放因子 (kgCO2e/(t·km))','碳排放量 (kgCO2e)']]
for (n,m,d,mode,f),tk,e in zip(legs,tkm_print,tem):
    rows.append([n,f'{m:.4f}',f'{d}',mode,f'{tk:.3f}',f'{f}',fmt(e)])
rows.append(['合计','','','','','',fmt(tr_sum)])
t=Table([[Paragraph(c,S['cell']) for c in rows[0]]]+rows[1:],colWidths=[70,50,60,70,65,95,75]);t.setStyle(ts);st+=[t]
st+=[Paragraph('2.3 产品生产阶段',S['h2']),Paragraph(f'生产阶段能源消耗按 2024 年全厂产量 {out:,} t 进行物理分配。',S['body']),Paragraph('表 2-3 能源消耗及碳排放',S['cap'])]
rows=[['能源','年消耗量','单位','年产量 (t)','单位产品消耗量','排放因子','碳排放量 (kgCO2e/t)']]
for (n,a,u,f,src),p,e in zip(ens,per,een):
    rows.append([n,f'{a:,}',u,f'{out:,}',f'{p:.4f}',f'{f}',fmt(e)])
rows.append(['合计','','','','','',fmt(en_sum)])
t=Table([[Paragraph(c,S['cell']) for c in rows[0]]]+rows[1:],colWidths=[80,70,35,60,75,60,95]);t.setStyle(ts);st+=[t]
st+=[Paragraph('3 碳足迹结果',S['h1']),Paragraph('表 3-1 碳足迹核算结果',S['cap'])]
rows=[['生命周期阶段','碳排放量 (kgCO2e/t)','占比 (%)'],['原材料获取',fmt(mat_sum),fmt(mat_sum/total*100)],
['原材料运输',fmt(tr_sum),fmt(tr_sum/total*100)],['产品生产',fmt(en_sum),fmt(en_sum/total*100)],['合计',fmt(total),'100.00']]
t=Table([[Paragraph(c,S['cell']) for c in rows[0]]]+rows[1:],colWidths=[140,140,100]);t.setStyle(ts);st+=[t]
st+=[Paragraph('4 结论与建议',S['h1']),Paragraph(f'1 t DN100 热镀锌焊接钢管从摇篮到大门的碳足迹为 {fmt(total)} kgCO2e，'
 f'原材料获取阶段占比最大（{sh(mat_sum,total)}），其中热轧带钢贡献 {fmt(em[0])} kgCO2e。建议优先采购电炉短流程钢材并提高锌耗管理水平。',S['body'])]
doc.build(st)
print(defect, 'mat',mat_sum,'tr',tr_sum,'en',en_sum,'total',total, 'em1',em[1], 'tkm0',tkm[0])
