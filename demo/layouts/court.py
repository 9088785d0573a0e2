"""人民法院 (courts): judgment defaulters, persons and organisations in separate
tables; dates as TEXT 'YYYY-MM-DD'.
"""

from __future__ import annotations

from demo.tables import TableDef, table_def

_DEFAULTER_SPEC = """
ah TEXT  案号
zxfy TEXT  执行法院
zxyjdw TEXT  作出执行依据单位
zxyjwh TEXT  执行依据文号
sxyw TEXT  生效法律文书确定的义务
lxqk TEXT  被执行人的履行情况
sxqx TEXT  失信被执行人行为具体情形
lasj TEXT  立案时间 YYYY-MM-DD
fbsj TEXT  发布时间 YYYY-MM-DD
ycsj TEXT  移除时间 YYYY-MM-DD"""

TABLES: tuple[TableDef, ...] = (
    table_def(
        "sx_zrr",
        "失信被执行人（自然人）",
        """
id INTEGER PRIMARY KEY  主键
xm TEXT  被执行人姓名
xb TEXT  性别
sfzhm TEXT NOT NULL  身份证号码"""
        + _DEFAULTER_SPEC,
        ("sfzhm",),
    ),
    table_def(
        "sx_fr",
        "失信被执行人（法人或者其他组织）",
        """
id INTEGER PRIMARY KEY  主键
mc TEXT  被执行人名称
tyshxydm TEXT NOT NULL  统一社会信用代码
fddbr TEXT  法定代表人或者负责人姓名"""
        + _DEFAULTER_SPEC,
        ("tyshxydm",),
    ),
)
