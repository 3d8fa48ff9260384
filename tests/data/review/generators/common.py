from decimal import Decimal as D, ROUND_HALF_UP
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib import colors
pdfmetrics.registerFont(UnicodeCIDFont('STSong-Light'))
def r(x, n=2):
    q = D(1).scaleb(-n)
    return D(str(x)).quantize(q, rounding=ROUND_HALF_UP)
def fmt(x, n=2, sep=','):
    s = f"{r(x,n):,.{n}f}"
    return s.replace(',', sep)
F='STSong-Light'
def styles(font=F):
    return dict(
      body=ParagraphStyle('b', fontName=font, fontSize=10.5, leading=16),
      h1=ParagraphStyle('h1', fontName=font, fontSize=15, leading=22, spaceBefore=8, spaceAfter=6),
      h2=ParagraphStyle('h2', fontName=font, fontSize=12, leading=18, spaceBefore=6, spaceAfter=4),
      cap=ParagraphStyle('c', fontName=font, fontSize=9.5, leading=14, alignment=1, spaceBefore=4, spaceAfter=2),
      title=ParagraphStyle('t', fontName=font, fontSize=22, leading=32, alignment=1),
      cell=ParagraphStyle('cell', fontName=font, fontSize=8.5, leading=11),
      foot=ParagraphStyle('f', fontName=font, fontSize=8, leading=11),
    )
