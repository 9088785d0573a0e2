"""杭州栖梧生物科技股份有限公司: licences, A grades, a commendation and the red list;
nothing adverse."""

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
    # 004 art. 39(1): on the red list for its A grades; the older entry was
    # removed when its validity ended, so it is past its (zero) disclosure period.
    "sxjl_md": [
        {
            "tyshxydm": C.code,
            "ztmc": C.name,
            "hylb": "税务",
            "rdsy": "连续三年纳税信用A级",
            "rdyj": "004 art. 39(1)；《纳税信用管理办法》",
            "rdwh": "浙税信〔2026〕12号",
            "rddw": "国家税务总局杭州市税务局",
            "rdrq": d(2026, 4, 15),
            "yxqz": d(2028, 4, 14),
        },
        {
            "tyshxydm": C.code,
            "ztmc": C.name,
            "hylb": "市场监管",
            "rdsy": "企业信用风险分类为A类（信用风险低）",
            "rdyj": "004 art. 39(1)；"
            "《市场监管总局关于推进企业信用风险分类管理进一步提升监管效能的意见》",
            "rdwh": "杭滨市监信〔2023〕7号",
            "rddw": _BINJIANG_SAMR,
            "rdrq": d(2023, 1, 10),
            "yxqz": d(2024, 12, 31),
            "ycrq": d(2025, 1, 1),
            "ycyy": "认定有效期届满",
        },
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
