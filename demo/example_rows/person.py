"""陈志远: a natural person with public, consent-only and sensitive financial records."""

from __future__ import annotations

from datetime import date as d

from demo.example_rows.helpers import XIHU_TAX, Row, defaulter
from demo.examples import PERSON as P


def _income_tax(year: int, amount: float) -> Row:
    # 003 art. 18, 001 art. 37: a tax amount leaves only under a consent naming it.
    return {
        "jlbh": f"SW{year + 1}06290000003",
        "nsrsbh": P.code,
        "nsrmc": P.name,
        "jllx": "03",
        "sxmc": f"{year}年度个人所得税综合所得汇算",
        "szmc": "个人所得税",
        "nsnd": year,
        "nsje": amount,
        "djrq": d(year + 1, 6, 29),
        "swjg": XIHU_TAX,
    }


def _volunteering(n: int, organisation: str, activity: str, hours: float, day: d) -> Row:
    return {
        "jlid": f"a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d{n}",
        "zyzsfzh": P.code,
        "zyzxm": P.name,
        "zzmc": organisation,
        "hdmc": activity,
        "fwsc": hours,
        "fwrq": day,
    }


ROWS: dict[str, list[Row]] = {
    "rk_jbxx": [
        {
            "ryid": "f1d2c3b4a5968778695a4b3c2d1e0f01",
            "gmsfhm": P.code,
            "xm": P.name,
            "xb": "男",
            "csrq": d(1985, 7, 15),
            "whcd": "大学本科",
            "zy": "党的机关、国家机关、群众团体和社会组织、企事业单位负责人",
            "gxsj": d(2026, 3, 2),
        },
    ],
    "sx_zrr": [
        defaulter(
            xm=P.name,
            xb="男",
            sfzhm=P.code,
            ah="（2024）浙0106执5678号",
            zxyjwh="（2023）浙0106民初2468号",
            sxyw="被执行人应偿还借款本金人民币200000元及利息",
            lxqk="全部未履行",
            sxqx="违反限制消费令",
            lasj=d(2024, 5, 10),
            fbsj=d(2024, 8, 2),
        ),
    ],
    "nsr_xyxx": [_income_tax(2024, 48230.0), _income_tax(2025, 51876.4)],
    "bzjl": [
        {
            "jlid": "b0c1d2e3f4a5968778695a4b3c2d1e02",
            "dxlx": "1",
            "dxdm": P.code,
            "dxmc": P.name,
            "rych": "杭州市优秀志愿者",
            "bzjg": "杭州市精神文明建设委员会",
            "bzwh": "杭文明委〔2023〕9号",
            "jb": "市级",
            "bzrq": d(2023, 12, 20),
        },
    ],
    "zyz_fwjl": [
        _volunteering(0, "杭州市志愿者协会", "大型赛会城市志愿服务", 36.5, d(2023, 9, 23)),
        _volunteering(1, "西湖区志愿者协会", "社区垃圾分类宣传", 4.0, d(2024, 3, 5)),
        _volunteering(2, "杭州图书馆志愿服务队", "图书馆阅读推广", 3.0, d(2026, 9, 12)),
    ],
}
