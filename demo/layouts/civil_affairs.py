"""民政局 (civil affairs): persons, commendations, volunteering, social
organisations and 机关; dates as TEXT 'YYYY-MM-DD HH:MM:SS'.
"""

from __future__ import annotations

from demo.tables import TableDef, table_def

TABLES: tuple[TableDef, ...] = (
    table_def(
        "rk_jbxx",
        "自然人基础信息",
        """
ryid TEXT PRIMARY KEY  人员标识
gmsfhm TEXT NOT NULL  公民身份号码
xm TEXT  姓名
xb TEXT  性别
csrq TEXT  出生日期
whcd TEXT  文化程度
zy TEXT  职业
gxsj TEXT  更新时间""",
        ("gmsfhm",),
    ),
    table_def(
        "bzjl",
        "表彰奖励",
        """
jlid TEXT PRIMARY KEY  记录标识
dxlx TEXT  对象类型：1自然人 2组织
dxdm TEXT NOT NULL  对象代码（身份证号码或统一社会信用代码）
dxmc TEXT  对象名称
rych TEXT  荣誉称号
bzjg TEXT  表彰机关
bzwh TEXT  表彰文号
jb TEXT  表彰级别
bzrq TEXT  表彰日期""",
        ("dxdm",),
    ),
    table_def(
        "zyz_fwjl",
        "志愿服务记录",
        """
jlid TEXT PRIMARY KEY  记录标识
zyzsfzh TEXT NOT NULL  志愿者身份证号码
zyzxm TEXT  志愿者姓名
zzmc TEXT  志愿服务组织名称
hdmc TEXT  活动名称
fwsc REAL  服务时长（小时）
fwrq TEXT  服务日期""",
        ("zyzsfzh",),
    ),
    table_def(
        "shzz_djxx",
        "社会组织登记信息",
        """
tyshxydm TEXT PRIMARY KEY  统一社会信用代码
zzmc TEXT NOT NULL  社会组织名称
zzlx TEXT  社会组织类型
fddbr TEXT  法定代表人
clrq TEXT  成立登记日期
kbzj REAL  注册资金或开办资金（万元）
zs TEXT  住所
ywfw TEXT  业务范围
zt TEXT  登记状态
djgljg TEXT  登记管理机关
ywzgdw TEXT  业务主管单位""",
        (),
    ),
    table_def(
        "jg_djxx",
        "机关赋码登记信息",
        """
tyshxydm TEXT PRIMARY KEY  统一社会信用代码
jgmc TEXT NOT NULL  机关名称
jglx TEXT  机构类型
fzr TEXT  负责人
clrq TEXT  设立日期
dz TEXT  地址
zyzz TEXT  主要职责
zt TEXT  状态
pzjg TEXT  赋码（批准）机关""",
        (),
    ),
    table_def(
        "shzz_ycml",
        "社会组织活动异常名录",
        """
id INTEGER PRIMARY KEY  主键
tyshxydm TEXT NOT NULL  统一社会信用代码
zzmc TEXT  社会组织名称
lrrq TEXT  列入日期
lryy TEXT  列入原因
lrjg TEXT  作出决定机关
ycrq TEXT  移出日期""",
        ("tyshxydm",),
    ),
)
