"""杭州瀚铖网络科技有限公司: current and expired adverse records at every openness level."""

from __future__ import annotations

from datetime import date as d

from demo.example_rows.helpers import (
    XIHU_SAMR,
    XIHU_TAX,
    Row,
    defaulter,
    penalty,
)
from demo.examples import ADVERSE_COMPANY as A
from demo.examples import CONTROLLER as K
from demo.examples import PERSON as P

_CITY_SAMR = "杭州市市场监督管理局"
# qy_yzsx.xh of its entry, set so qy_yzsx_zrr can refer to it (the sole
# proprietorship's entry is 1; random entries start at 101).
_ENTRY = 2

ROWS: dict[str, list[Row]] = {
    "qy_jbxx": [
        {
            "nbxh": "e1a0c6d2b9f84c1e9a7d3b5f0c2e4a61",
            "tyshxydm": A.code,
            "qymc": A.name,
            "qylxdm": "1130",
            "qylx": "有限责任公司（自然人投资或控股）",
            "fddbr": P.name,  # the example natural person is the legal representative
            "fddbrzjhm": P.code,
            "clrq": d(2016, 3, 18),
            "hzrq": d(2024, 5, 9),
            "zczb": 500.0,
            "zs": "浙江省杭州市西湖区文一西路588号3幢1205室",
            "jyfw": "技术服务、技术开发、技术咨询；软件开发；"
            "互联网销售（除销售需要许可的商品）；广告设计、代理",
            "djzt": "存续（在营、开业、在册）",
            "djjg": XIHU_SAMR,
        },
    ],
    "t_xzcf": [
        # Recent: disclosed until 2029-06-15.
        penalty(
            A.code,
            A.name,
            CF_WSH="杭西市监罚〔2026〕158号",
            CF_WFXW="发布虚假广告",
            CF_SY="当事人在其微信公众号发布广告，宣称其产品“销量全国第一”，无事实依据",
            CF_YJ="《中华人民共和国广告法》第五十五条",
            CF_CFLB="罚款",
            CF_NR="罚款人民币50000元",
            CF_NR_FK=5.0,
            CF_JDRQ=d(2026, 6, 15),
            CF_GSJZQ=d(2029, 6, 15),
            CF_CFJG=XIHU_SAMR,
        ),
        # Past its 3-year disclosure period since 2025-09-20.
        penalty(
            A.code,
            A.name,
            CF_WSH="杭西市监罚〔2022〕87号",
            CF_WFXW="对商品作虚假或者引人误解的商业宣传",
            CF_SY="当事人在电商平台虚构用户评价，对其商品作引人误解的商业宣传",
            CF_YJ="《中华人民共和国反不正当竞争法》第二十条",
            CF_CFLB="罚款；没收违法所得",
            CF_NR="罚款人民币20000元，没收违法所得人民币3650元",
            CF_NR_FK=2.0,
            CF_JDRQ=d(2022, 9, 20),
            CF_GSJZQ=d(2025, 9, 20),
            CF_CFJG=XIHU_SAMR,
        ),
    ],
    "qy_jyyc": [
        {
            "tyshxydm": A.code,
            "qymc": A.name,
            "lrrq": d(2025, 7, 1),
            "lryy": "未按照《企业信息公示暂行条例》规定的期限公示年度报告",
            "lrjg": XIHU_SAMR,
        },
    ],
    # 004 art. 43(2). Listed 2026-03-01, after the 2022 penalty's period ended
    # (2025-09-20): 003 art. 35 keeps only a period still running disclosed, so
    # that penalty stays withheld.
    "qy_yzsx": [
        {
            "xh": _ENTRY,
            "tyshxydm": A.code,
            "qymc": A.name,
            "fddbr": P.name,
            "fddbr_zjhm": P.code,
            "lrrq": d(2026, 3, 1),
            "lrsy": "组织虚假交易、刷单炒信，严重破坏网络空间传播秩序",
            "lryj": "《市场监督管理严重违法失信名单管理办法》第九条；004 art. 43(2)",
            "lrwsh": "杭市监严失〔2026〕3号",
            "lrjg": _CITY_SAMR,
            "yctj": "自公示之日起满三年，且已履行行政处罚义务、纠正违法行为的，可申请提前移出",
        },
    ],
    "qy_yzsx_zrr": [
        {"xh": _ENTRY, "zrlx": "实际控制人", "xm": K.name, "zjhm": K.code},
    ],
    "t_xzqz": [
        {
            "QZ_XDR_MC": A.name,
            "QZ_XDR_SHXYM": A.code,
            "QZ_WSH": "杭西市监强〔2026〕21号",
            "QZ_LB": "扣押财物",
            "QZ_SY": "涉嫌侵犯注册商标专用权",
            "QZ_YJ": "《中华人民共和国行政强制法》第九条、《中华人民共和国商标法》第六十二条",
            "QZ_JDRQ": d(2026, 5, 20),
            "QZ_JCRQ": d(2026, 7, 1),
            "QZ_JG": XIHU_SAMR,
        },
    ],
    "sx_fr": [
        # Open: still on the list, so disclosed.
        defaulter(
            mc=A.name,
            tyshxydm=A.code,
            fddbr=P.name,
            ah="（2025）浙0106执1234号",
            zxyjwh="（2024）浙0106民初8765号",
            sxyw="被执行人应支付申请执行人货款人民币386500元及逾期付款利息",
            lxqk="全部未履行",
            sxqx="有履行能力而拒不履行生效法律文书确定义务",
            lasj=d(2025, 3, 12),
            fbsj=d(2025, 6, 20),
        ),
        # Removed 2020-05-06: past its 5 years (003 art. 35) since 2025-05-06.
        defaulter(
            mc=A.name,
            tyshxydm=A.code,
            fddbr=P.name,
            ah="（2019）浙0106执3456号",
            zxyjwh="（2018）浙0106民初4321号",
            sxyw="被执行人应支付申请执行人工程款人民币128000元",
            lxqk="全部已履行",
            sxqx="违反财产报告制度",
            lasj=d(2019, 4, 8),
            fbsj=d(2019, 7, 15),
            ycsj=d(2020, 5, 6),
        ),
    ],
    "nsr_xyxx": [
        {
            "jlbh": "SW202511200000001",
            "nsrsbh": A.code,
            "nsrmc": A.name,
            "jllx": "01",
            "sxmc": "欠缴增值税",
            "szmc": "增值税",
            "ssq": "202507-202509",
            "qsje": 86420.55,
            "djrq": d(2025, 11, 20),
            "swjg": XIHU_TAX,
        },
    ],
    "sb_dwqj": [
        {
            "shxydm": A.code,
            "dwmc": A.name,
            "xz": "基本养老保险费",
            "qjje": 132560.0,
            "qjssq": "202501-202506",
            "rdrq": d(2025, 8, 15),
            "swjg": XIHU_TAX,
        },
    ],
}
