"""杭州蕙兰食品商行: an unincorporated organisation with a licence and one penalty."""

from __future__ import annotations

from datetime import date as d

from demo.example_rows.helpers import Row, licence, penalty
from demo.examples import SOLE_PROPRIETORSHIP as S

_GONGSHU_SAMR = "杭州市拱墅区市场监督管理局"

ROWS: dict[str, list[Row]] = {
    "qy_jbxx": [
        {
            "nbxh": "e3c2e8f4dba06e3abc9f5d7b2e4a6c83",
            "tyshxydm": S.code,
            "qymc": S.name,
            "qylxdm": "4700",  # 个人独资企业 -> UNINCORPORATED_ORG (config/sources.toml)
            "qylx": "个人独资企业",
            "fddbr": "楼蕙兰",
            "fddbrzjhm": "330122197911262848",
            "clrq": d(2019, 11, 5),
            "hzrq": d(2019, 11, 5),
            "zczb": 10.0,
            "zs": "浙江省杭州市拱墅区湖墅南路186号1楼102室",
            "jyfw": "食品销售；农副产品销售",
            "djzt": "存续（在营、开业、在册）",
            "djjg": _GONGSHU_SAMR,
        },
    ],
    "t_xzxk": [
        licence(
            S.code,
            S.name,
            XK_WSH="杭拱市监许〔2025〕3号",
            XK_ZSMC="食品经营许可证",
            XK_XKBH="JY13301050234567",
            XK_XKLB="普通",
            XK_NR="预包装食品销售；散装食品销售",
            XK_JDRQ=d(2025, 1, 6),
            XK_YXQZ=d(2025, 1, 6),
            XK_YXQZI=d(2030, 1, 5),
            XK_XKJG=_GONGSHU_SAMR,
        ),
    ],
    "t_xzcf": [
        penalty(
            S.code,
            S.name,
            CF_WSH="杭拱市监罚〔2025〕42号",
            CF_WFXW="经营不符合食品安全标准的食品",
            CF_SY="当事人经营超过保质期的预包装饼干12袋",
            CF_YJ="《中华人民共和国食品安全法》第一百二十四条",
            CF_CFLB="警告；罚款；没收违法所得",
            CF_NR="警告，罚款人民币5000元，没收超过保质期的食品",
            CF_NR_FK=0.5,
            CF_JDRQ=d(2025, 4, 18),
            CF_GSJZQ=d(2028, 4, 18),
            CF_CFJG=_GONGSHU_SAMR,
        ),
    ],
}
