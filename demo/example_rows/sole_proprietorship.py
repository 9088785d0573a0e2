"""杭州蕙兰食品商行: an unincorporated organisation with a licence, two penalties and a
serious-dishonesty entry that keeps the older penalty disclosed."""

from __future__ import annotations

from datetime import date as d

from demo.example_rows.helpers import Row, licence, penalty
from demo.examples import SOLE_PROPRIETORSHIP as S

_GONGSHU_SAMR = "杭州市拱墅区市场监督管理局"
_INVESTOR, _INVESTOR_ID = "楼蕙兰", "330122197911262848"

ROWS: dict[str, list[Row]] = {
    "qy_jbxx": [
        {
            "nbxh": "e3c2e8f4dba06e3abc9f5d7b2e4a6c83",
            "tyshxydm": S.code,
            "qymc": S.name,
            "qylxdm": "4700",  # 个人独资企业 -> UNINCORPORATED_ORG (config/sources.toml)
            "qylx": "个人独资企业",
            "fddbr": _INVESTOR,
            "fddbrzjhm": _INVESTOR_ID,
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
        # Past its 3 years since 2024-10-12, yet still disclosed: the firm is
        # on the serious-dishonesty list below (003 art. 35).
        penalty(
            S.code,
            S.name,
            CF_WSH="杭拱市监罚〔2021〕96号",
            CF_WFXW="经营病死、毒死或者死因不明的禽、畜、兽、水产动物肉类",
            CF_SY="当事人经营未经检验检疫的冷冻禽肉制品35公斤",
            CF_YJ="《中华人民共和国食品安全法》第一百二十三条",
            CF_CFLB="罚款；没收违法所得",
            CF_NR="罚款人民币100000元，没收违法所得人民币2100元",
            CF_NR_FK=10.0,
            CF_JDRQ=d(2021, 10, 12),
            CF_GSJZQ=d(2024, 10, 12),
            CF_CFJG=_GONGSHU_SAMR,
        ),
    ],
    "qy_yzsx": [
        {
            "xh": 1,  # see adverse_company._ENTRY
            "tyshxydm": S.code,
            "qymc": S.name,
            "fddbr": _INVESTOR,  # 投资人, as registered
            "fddbr_zjhm": _INVESTOR_ID,
            "lrrq": d(2022, 1, 10),
            "lrsy": "因经营未经检验检疫的禽肉制品受到较重行政处罚（杭拱市监罚〔2021〕96号）",
            "lryj": "《市场监督管理严重违法失信名单管理办法》第七条",
            "lrwsh": "杭拱市监严失〔2022〕3号",
            "lrjg": _GONGSHU_SAMR,
            "yctj": "列入之日起满三年且未再受到较重行政处罚的，可申请移出",
            "ycrq": None,
            "ycyy": None,
        },
    ],
}
