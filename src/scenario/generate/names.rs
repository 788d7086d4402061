//! Invented names: institution types, people's names (with pinyin) and device models.

use crate::domain::family::DeviceFamily;
use crate::domain::site::CustomerTier;

/// When a kind of institution lets engineers work.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Hours {
    /// Every day 08:00-12:00, 14:00-17:30; open on holidays.
    Hospital,
    /// Weekdays 08:00-12:00, 14:30-17:30, Saturday morning; closed on holidays.
    HealthCentre,
    /// Monday to Saturday 08:30-12:00, 14:00-18:00; closed on holidays.
    Clinic,
    /// Afternoons on weekdays (mornings are for blood draws), Saturday 09:00-11:30.
    CheckCentre,
    /// Weekdays 08:30-17:30 without a break.
    Laboratory,
}

/// A kind of institution: name suffix, tier, where it occurs, its hours and devices.
pub struct InstitutionKind {
    pub zh: &'static str,
    pub en: &'static str,
    pub tier: CustomerTier,
    pub urban: bool,
    pub county: bool,
    pub hours: Hours,
    /// Families of devices it may have.
    pub families: &'static [DeviceFamily],
    pub weight: f64,
}

use DeviceFamily::{BiochemistryAnalyser as Bio, Dr};

pub const INSTITUTIONS: &[InstitutionKind] = &[
    InstitutionKind {
        zh: "中心医院",
        en: "Central Hospital",
        tier: CustomerTier::VeryLarge,
        urban: true,
        county: false,
        hours: Hours::Hospital,
        families: &[Dr, Bio],
        weight: 4.0,
    },
    InstitutionKind {
        zh: "人民医院",
        en: "People's Hospital",
        tier: CustomerTier::VeryLarge,
        urban: false,
        county: true,
        hours: Hours::Hospital,
        families: &[Dr, Bio],
        weight: 2.0,
    },
    InstitutionKind {
        zh: "医院",
        en: "Hospital",
        tier: CustomerTier::Large,
        urban: true,
        county: true,
        hours: Hours::Hospital,
        families: &[Dr, Bio],
        weight: 6.0,
    },
    InstitutionKind {
        zh: "中医院",
        en: "Hospital of Traditional Chinese Medicine",
        tier: CustomerTier::Large,
        urban: true,
        county: true,
        hours: Hours::Hospital,
        families: &[Dr, Bio],
        weight: 5.0,
    },
    InstitutionKind {
        zh: "妇幼保健院",
        en: "Maternal and Child Health Hospital",
        tier: CustomerTier::Large,
        urban: true,
        county: true,
        hours: Hours::Hospital,
        families: &[Dr, Bio],
        weight: 4.0,
    },
    InstitutionKind {
        zh: "骨科医院",
        en: "Orthopaedic Hospital",
        tier: CustomerTier::Large,
        urban: true,
        county: false,
        hours: Hours::Hospital,
        families: &[Dr],
        weight: 2.0,
    },
    InstitutionKind {
        zh: "社区卫生服务中心",
        en: "Community Health Service Centre",
        tier: CustomerTier::Normal,
        urban: true,
        county: false,
        hours: Hours::HealthCentre,
        families: &[Dr, Bio],
        weight: 30.0,
    },
    InstitutionKind {
        zh: "镇卫生院",
        en: "Township Health Centre",
        tier: CustomerTier::Normal,
        urban: false,
        county: true,
        hours: Hours::HealthCentre,
        families: &[Dr, Bio],
        weight: 30.0,
    },
    InstitutionKind {
        zh: "门诊部",
        en: "Outpatient Clinic",
        tier: CustomerTier::Normal,
        urban: true,
        county: true,
        hours: Hours::Clinic,
        families: &[Dr, Bio],
        weight: 14.0,
    },
    InstitutionKind {
        zh: "健康体检中心",
        en: "Health Check Centre",
        tier: CustomerTier::Normal,
        urban: true,
        county: false,
        hours: Hours::CheckCentre,
        families: &[Dr, Bio],
        weight: 6.0,
    },
    InstitutionKind {
        zh: "医学检验实验室",
        en: "Clinical Laboratory",
        tier: CustomerTier::Normal,
        urban: true,
        county: false,
        hours: Hours::Laboratory,
        families: &[Bio],
        weight: 4.0,
    },
];

pub const SURNAMES: &[(&str, &str)] = &[
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
    ("徐", "Xu"),
    ("胡", "Hu"),
    ("朱", "Zhu"),
    ("熊", "Xiong"),
    ("万", "Wan"),
    ("涂", "Tu"),
    ("邹", "Zou"),
    ("付", "Fu"),
    ("罗", "Luo"),
    ("曾", "Zeng"),
    ("彭", "Peng"),
    ("肖", "Xiao"),
    ("饶", "Rao"),
    ("龚", "Gong"),
];

pub const GIVEN: &[(&str, &str)] = &[
    ("伟", "wei"),
    ("军", "jun"),
    ("磊", "lei"),
    ("涛", "tao"),
    ("明", "ming"),
    ("华", "hua"),
    ("强", "qiang"),
    ("鹏", "peng"),
    ("斌", "bin"),
    ("勇", "yong"),
    ("静", "jing"),
    ("丽", "li"),
    ("芳", "fang"),
    ("敏", "min"),
    ("婷", "ting"),
    ("晨", "chen"),
    ("浩", "hao"),
    ("宇", "yu"),
    ("志", "zhi"),
    ("建", "jian"),
    ("文", "wen"),
    ("海", "hai"),
    ("亮", "liang"),
    ("凯", "kai"),
    ("琳", "lin"),
];

/// Models per family, from small to large installations.
pub fn models(family: DeviceFamily) -> &'static [(&'static str, &'static str)] {
    match family {
        DeviceFamily::Dr => &[
            ("GX-DR 360", "GX3"),
            ("GX-DR 560", "GX5"),
            ("TDR-5000", "TD5"),
            ("GX-DR 760 Dual", "GX7"),
            ("TDR-8000 Ceiling", "TD8"),
        ],
        DeviceFamily::BiochemistryAnalyser => &[
            ("BA-480", "B48"),
            ("KC-600", "K60"),
            ("BA-800", "B80"),
            ("BA-1200", "B12"),
            ("BA-2000M Modular", "B20"),
        ],
    }
}
