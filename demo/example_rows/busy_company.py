"""杭州繁星供应链管理有限公司: twenty public records, for the benchmarks."""

from __future__ import annotations

from datetime import date as d

from demo.example_rows.helpers import XIHU_SAMR, Row, a_grade, licence, penalty
from demo.examples import BUSY_COMPANY as B

_LICENCES = ("食品经营许可证", "道路运输经营许可证", "危险化学品经营许可证", "排污许可证")


def _licence(n: int) -> Row:
    issued = d(2020 + n % 6, 1 + n % 12, 10)
    return licence(
        B.code,
        B.name,
        XK_WSH=f"杭余市监许〔{issued.year}〕{100 + n}号",
        XK_ZSMC=_LICENCES[n % len(_LICENCES)],
        XK_XKBH=f"XK3301100{n:06d}",
        XK_XKLB="普通",
        XK_NR="经营许可",
        XK_JDRQ=issued,
        XK_YXQZ=issued,
        XK_YXQZI=d(issued.year + 5, issued.month, 9),
        XK_XKJG=XIHU_SAMR,
    )


def _penalty(n: int) -> Row:
    decided = d(2025 + n // 3, 2 + 3 * (n % 3), 18)
    return penalty(
        B.code,
        B.name,
        CF_WSH=f"杭余市监罚〔{decided.year}〕{30 + n}号",
        CF_WFXW="未按规定公示即时信息",
        CF_SY="未在规定期限内公示行政许可变更信息",
        CF_YJ="《企业信息公示暂行条例》第十八条",
        CF_CFLB="警告；罚款",
        CF_NR="罚款人民币5000元",
        CF_NR_FK=0.5,
        CF_JDRQ=decided,
        CF_GSJZQ=d(decided.year + 3, decided.month, decided.day),
        CF_CFJG=XIHU_SAMR,
    )


ROWS: dict[str, list[Row]] = {
    "qy_jbxx": [
        {
            "nbxh": "f3c2b1a0e9d8c7b6a5f4e3d2c1b0a999",
            "tyshxydm": B.code,
            "qymc": B.name,
            "qylxdm": "1130",
            "qylx": "有限责任公司（自然人投资或控股）",
            "fddbr": "周启明",
            "clrq": d(2019, 4, 2),
            "hzrq": d(2025, 3, 1),
            "zczb": 2000.0,
            "zs": "浙江省杭州市余杭区五常大道181号",
            "jyfw": "供应链管理服务；道路货物运输",
            "djzt": "存续（在营、开业、在册）",
            "djjg": XIHU_SAMR,
        },
    ],
    "t_xzxk": [_licence(n) for n in range(12)],
    "t_xzcf": [_penalty(n) for n in range(4)],
    "nsr_xyxx": [
        a_grade(B.code, B.name, year, "0000093", "国家税务总局杭州市余杭区税务局")
        for year in (2023, 2024, 2025)
    ],
}
