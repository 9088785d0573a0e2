"""Row builders shared by the example modules: the columns every row of a kind repeats."""

from __future__ import annotations

from datetime import date

Row = dict[str, object]

ORG = "法人及非法人组织"  # 行政相对人类别 in the 双公示 tables
XIHU_SAMR = "杭州市西湖区市场监督管理局"
XIHU_COURT = "杭州市西湖区人民法院"
XIHU_TAX = "国家税务总局杭州市西湖区税务局"


def licence(code: str, name: str, **columns: object) -> Row:
    """A t_xzxk row for an organisation."""
    return {"XK_XDR_MC": name, "XK_XDR_LB": ORG, "XK_XDR_SHXYM": code, **columns}


def penalty(code: str, name: str, **columns: object) -> Row:
    """A t_xzcf row for an organisation."""
    return {"CF_XDR_MC": name, "CF_XDR_LB": ORG, "CF_XDR_SHXYM": code, **columns}


def defaulter(**columns: object) -> Row:
    """An sx_zrr / sx_fr row of a Xihu district court case."""
    return {"zxfy": XIHU_COURT, "zxyjdw": XIHU_COURT, **columns}


def a_grade(code: str, name: str, year: int, serial: str, tax_office: str) -> Row:
    """An nsr_xyxx row: A-grade taxpayer for ``year``, published the next April."""
    return {
        "jlbh": f"SW{year + 1}0415{serial}",
        "nsrsbh": code,
        "nsrmc": name,
        "jllx": "02",
        "sxmc": f"{year}年度纳税信用A级纳税人",
        "pjnd": year,
        "djrq": date(year + 1, 4, 15),
        "swjg": tax_office,
    }
