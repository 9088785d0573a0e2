"""杭州栖梧生物科技股份有限公司: licences, A grades and a commendation; nothing adverse."""

from __future__ import annotations

from datetime import date as d

from demo.example_rows.helpers import Row, a_grade, licence
from demo.examples import CLEAN_COMPANY as C

_BINJIANG_SAMR = "杭州市滨江区市场监督管理局"


ROWS: dict[str, list[Row]] = {
    "qy_jbxx": [
        {
            "nbxh": "e2b1d7e3caf95d2fab8e4c6a1d3f5b72",
            "tyshxydm": C.code,
            "qymc": C.name,
            "qylxdm": "1212",
            "qylx": "股份有限公司（非上市、自然人投资或控股）",
            "fddbr": "沈慧琳",
            "fddbrzjhm": "330102198403085629",
            "clrq": d(2017, 8, 22),
            "hzrq": d(2025, 2, 14),
            "zczb": 3000.0,
            "zs": "浙江省杭州市滨江区江南大道3588号7层",
            "jyfw": "生物化工产品技术研发；食品生产；食品销售；技术进出口",
            "djzt": "存续（在营、开业、在册）",
            "djjg": _BINJIANG_SAMR,
        },
    ],
    "t_xzxk": [
        licence(
            C.code,
            C.name,
            XK_WSH="杭滨市监许〔2024〕56号",
            XK_ZSMC="食品生产许可证",
            XK_XKBH="SC10633010800123",
            XK_XKLB="普通",
            XK_NR="食品生产：固体饮料、代用茶",
            XK_JDRQ=d(2024, 3, 1),
            XK_YXQZ=d(2024, 3, 1),
            XK_YXQZI=d(2029, 2, 28),
            XK_XKJG=_BINJIANG_SAMR,
        ),
        licence(
            C.code,
            C.name,
            XK_WSH="杭滨市监许〔2023〕311号",
            XK_ZSMC="食品经营许可证",
            XK_XKBH="JY13301080098765",
            XK_XKLB="普通",
            XK_NR="预包装食品销售（不含冷藏冷冻食品）",
            XK_JDRQ=d(2023, 6, 10),
            XK_YXQZ=d(2023, 6, 10),
            XK_YXQZI=d(2028, 6, 9),
            XK_XKJG=_BINJIANG_SAMR,
        ),
    ],
    "nsr_xyxx": [
        a_grade(C.code, C.name, year, "0000002", "国家税务总局杭州市滨江区税务局")
        for year in (2023, 2024, 2025)
    ],
    "bzjl": [
        {
            "jlid": "b0c1d2e3f4a5968778695a4b3c2d1e01",
            "dxlx": "2",
            "dxdm": C.code,
            "dxmc": C.name,
            "rych": "浙江省守合同重信用AAA级企业",
            "bzjg": "浙江省市场监督管理局",
            "bzwh": "浙市监信〔2025〕18号",
            "jb": "省级",
            "bzrq": d(2025, 5, 20),
        },
    ],
}
