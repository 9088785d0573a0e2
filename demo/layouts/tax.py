"""税务局 (tax): one table whose record-type column (jllx) holds arrears, A grades,
personal tax and uncatalogued records alike; dates as INTEGER yyyymmdd.
"""

from __future__ import annotations

from demo.tables import TableDef, table_def

TABLES: tuple[TableDef, ...] = (
    table_def(
        "nsr_xyxx",
        "纳税人涉税信用信息（按记录类型）",
        """
jlbh TEXT PRIMARY KEY  记录编号
nsrsbh TEXT NOT NULL  纳税人识别号（统一社会信用代码或身份证号码）
nsrmc TEXT  纳税人名称
jllx TEXT NOT NULL  记录类型：01欠税 02纳税信用A级 03个人纳税 09其他
sxmc TEXT  事项名称
szmc TEXT  税种名称
ssq TEXT  税款所属期 YYYYMM-YYYYMM
qsje REAL  欠税金额（元）
pjnd INTEGER  纳税信用评价年度
nsnd INTEGER  纳税年度
nsje REAL  纳税金额（元）
djrq INTEGER  登记日期 yyyymmdd
jqrq INTEGER  缴清日期 yyyymmdd
swjg TEXT  主管税务机关""",
        ("nsrsbh",),
    ),
    table_def(
        "sb_dwqj",
        "社会保险费单位欠缴信息",
        """
id INTEGER PRIMARY KEY  主键
shxydm TEXT NOT NULL  统一社会信用代码
dwmc TEXT  单位名称
xz TEXT  险种
qjje REAL  欠缴金额（元）
qjssq TEXT  欠缴所属期 YYYYMM-YYYYMM
rdrq INTEGER  认定日期 yyyymmdd
jqrq INTEGER  缴清日期 yyyymmdd
swjg TEXT  征收机关""",
        ("shxydm",),
    ),
)
