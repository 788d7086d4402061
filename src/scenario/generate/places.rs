//! The nine districts and counties of Nanchang: seats (approximate real coordinates of the
//! district governments), how many of the sites lie in each, how they spread, and place and
//! road names for invented institutions and addresses. Outlines, water and townships are in
//! the map (`scenario::map`).
//!
//! Place and road names are real names of subdistricts, towns and main roads, used only to
//! make invented names look plausible; no site corresponds to a real institution.

use crate::domain::district::DistrictKind;
use crate::domain::geo::AreaType;

/// How sites are placed in one district.
pub struct DistrictSpec {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: DistrictKind,
    pub area: AreaType,
    pub seat_zh: &'static str,
    pub seat_en: &'static str,
    pub lat: f64,
    pub lon: f64,
    /// Relative number of sites (the Nanchang scenario: sites out of 250).
    pub weight: f64,
    /// Share of sites around the seat (normal spread `seat_sigma_km`); the rest stand at
    /// the district's townships (`data/map/nanchang.toml`) and are of area type County.
    pub seat_share: f64,
    pub seat_sigma_km: f64,
    /// Names (Chinese, pinyin) for sites around the seat: subdistricts in the city, the seat
    /// town itself where the district has townships.
    pub places: &'static [(&'static str, &'static str)],
    pub roads: &'static [(&'static str, &'static str)],
}

const TOWN_ROADS: &[(&str, &str)] = &[
    ("建设路", "Jianshe Road"),
    ("人民路", "Renmin Road"),
    ("解放路", "Jiefang Road"),
    ("振兴路", "Zhenxing Road"),
    ("环城路", "Huancheng Road"),
    ("府前路", "Fuqian Road"),
    ("幸福路", "Xingfu Road"),
    ("朝阳路", "Chaoyang Road"),
];

pub const DISTRICTS: &[DistrictSpec] = &[
    DistrictSpec {
        code: "DH",
        zh: "东湖区",
        en: "Donghu District",
        kind: DistrictKind::District,
        area: AreaType::Urban,
        seat_zh: "东湖区政府",
        seat_en: "Donghu district seat",
        lat: 28.6840,
        lon: 115.8990,
        weight: 38.0,
        seat_share: 1.0,
        seat_sigma_km: 2.0,
        places: &[
            ("豫章", "Yuzhang"),
            ("公园", "Gongyuan"),
            ("滕王阁", "Tengwangge"),
            ("八一桥", "Bayiqiao"),
            ("百花洲", "Baihuazhou"),
            ("墩子塘", "Dunzitang"),
            ("大院", "Dayuan"),
            ("董家窑", "Dongjiayao"),
            ("彭家桥", "Pengjiaqiao"),
            ("贤士湖", "Xianshihu"),
            ("青山路", "Qingshanlu"),
        ],
        roads: &[
            ("八一大道", "Bayi Avenue"),
            ("阳明路", "Yangming Road"),
            ("叠山路", "Dieshan Road"),
            ("中山路", "Zhongshan Road"),
            ("北京西路", "Beijing West Road"),
            ("胜利路", "Shengli Road"),
            ("民德路", "Minde Road"),
            ("永叔路", "Yongshu Road"),
        ],
    },
    DistrictSpec {
        code: "XH",
        zh: "西湖区",
        en: "Xihu District",
        kind: DistrictKind::District,
        area: AreaType::Urban,
        seat_zh: "西湖区政府",
        seat_en: "Xihu district seat",
        lat: 28.6560,
        lon: 115.8770,
        weight: 35.0,
        seat_share: 1.0,
        seat_sigma_km: 2.2,
        places: &[
            ("朝阳", "Chaoyang"),
            ("桃花", "Taohua"),
            ("南浦", "Nanpu"),
            ("广润门", "Guangrunmen"),
            ("系马桩", "Ximazhuang"),
            ("十字街", "Shizijie"),
            ("丁公路", "Dinggonglu"),
            ("绳金塔", "Shengjinta"),
            ("桃源", "Taoyuan"),
            ("抚河", "Fuhe"),
            ("筷子巷", "Kuaizixiang"),
            ("西湖", "Xihu"),
        ],
        roads: &[
            ("孺子路", "Ruzi Road"),
            ("象山南路", "Xiangshan South Road"),
            ("抚河北路", "Fuhe North Road"),
            ("桃花路", "Taohua Road"),
            ("洪城路", "Hongcheng Road"),
            ("站前西路", "Zhanqian West Road"),
            ("井冈山大道", "Jinggangshan Avenue"),
        ],
    },
    DistrictSpec {
        code: "QYP",
        zh: "青云谱区",
        en: "Qingyunpu District",
        kind: DistrictKind::District,
        area: AreaType::Urban,
        seat_zh: "青云谱区政府",
        seat_en: "Qingyunpu district seat",
        lat: 28.6210,
        lon: 115.9250,
        weight: 28.0,
        seat_share: 1.0,
        seat_sigma_km: 2.2,
        places: &[
            ("洪都", "Hongdu"),
            ("京山", "Jingshan"),
            ("三家店", "Sanjiadian"),
            ("岱山", "Daishan"),
            ("徐家坊", "Xujiafang"),
            ("青云", "Qingyun"),
            ("调簸", "Tiaobo"),
            ("施尧", "Shiyao"),
            ("梅湖", "Meihu"),
        ],
        roads: &[
            ("迎宾大道", "Yingbin Avenue"),
            ("洪都中大道", "Hongdu Middle Avenue"),
            ("洪都南大道", "Hongdu South Avenue"),
            ("解放西路", "Jiefang West Road"),
            ("井冈山大道", "Jinggangshan Avenue"),
            ("昌南大道", "Changnan Avenue"),
        ],
    },
    DistrictSpec {
        code: "QSH",
        zh: "青山湖区",
        en: "Qingshanhu District",
        kind: DistrictKind::District,
        area: AreaType::Urban,
        seat_zh: "青山湖区政府",
        seat_en: "Qingshanhu district seat",
        lat: 28.6820,
        lon: 115.9620,
        weight: 40.0,
        seat_share: 1.0,
        seat_sigma_km: 3.5,
        places: &[
            ("湖坊", "Hufang"),
            ("塘山", "Tangshan"),
            ("京东", "Jingdong"),
            ("罗家", "Luojia"),
            ("蛟桥", "Jiaoqiao"),
            ("青山", "Qingshan"),
            ("昌东", "Changdong"),
            ("瑶湖", "Yaohu"),
            ("艾溪湖", "Aixihu"),
            ("上海路", "Shanghailu"),
            ("高新", "Gaoxin"),
        ],
        roads: &[
            ("上海北路", "Shanghai North Road"),
            ("北京东路", "Beijing East Road"),
            ("南京东路", "Nanjing East Road"),
            ("昌东大道", "Changdong Avenue"),
            ("青山南路", "Qingshan South Road"),
            ("高新大道", "Gaoxin Avenue"),
            ("火炬大街", "Huoju Street"),
        ],
    },
    DistrictSpec {
        code: "HGT",
        zh: "红谷滩区",
        en: "Honggutan District",
        kind: DistrictKind::District,
        area: AreaType::Urban,
        seat_zh: "红谷滩区政府",
        seat_en: "Honggutan district seat",
        lat: 28.6950,
        lon: 115.8470,
        weight: 34.0,
        seat_share: 1.0,
        seat_sigma_km: 3.5,
        places: &[
            ("红角洲", "Hongjiaozhou"),
            ("沙井", "Shajing"),
            ("卫东", "Weidong"),
            ("凤凰洲", "Fenghuangzhou"),
            ("九龙湖", "Jiulonghu"),
            ("生米", "Shengmi"),
            ("龙兴", "Longxing"),
            ("红谷", "Honggu"),
            ("丰和", "Fenghe"),
            ("绿茵", "Lüyin"),
        ],
        roads: &[
            ("红谷中大道", "Honggu Middle Avenue"),
            ("丰和中大道", "Fenghe Middle Avenue"),
            ("赣江中大道", "Ganjiang Middle Avenue"),
            ("世贸路", "Shimao Road"),
            ("庐山南大道", "Lushan South Avenue"),
            ("学府大道", "Xuefu Avenue"),
            ("九龙大道", "Jiulong Avenue"),
        ],
    },
    DistrictSpec {
        code: "XJ",
        zh: "新建区",
        en: "Xinjian District",
        kind: DistrictKind::District,
        area: AreaType::Urban,
        seat_zh: "长堎街道",
        seat_en: "Changleng",
        lat: 28.6920,
        lon: 115.8150,
        weight: 30.0,
        seat_share: 0.5,
        seat_sigma_km: 2.5,
        places: &[("长堎", "Changleng")],
        roads: &[
            ("长堎大道", "Changleng Avenue"),
            ("子实路", "Zishi Road"),
            ("新建大道", "Xinjian Avenue"),
            ("建设路", "Jianshe Road"),
            ("人民路", "Renmin Road"),
        ],
    },
    DistrictSpec {
        code: "NCX",
        zh: "南昌县",
        en: "Nanchang County",
        kind: DistrictKind::County,
        area: AreaType::County,
        seat_zh: "莲塘镇",
        seat_en: "Liantang",
        lat: 28.5480,
        lon: 115.9440,
        weight: 20.0,
        seat_share: 0.45,
        seat_sigma_km: 2.5,
        places: &[("莲塘", "Liantang")],
        roads: TOWN_ROADS,
    },
    DistrictSpec {
        code: "JX",
        zh: "进贤县",
        en: "Jinxian County",
        kind: DistrictKind::County,
        area: AreaType::County,
        seat_zh: "民和镇",
        seat_en: "Minhe",
        lat: 28.3770,
        lon: 116.2410,
        weight: 13.0,
        seat_share: 0.4,
        seat_sigma_km: 2.0,
        places: &[("民和", "Minhe")],
        roads: TOWN_ROADS,
    },
    DistrictSpec {
        code: "AY",
        zh: "安义县",
        en: "Anyi County",
        kind: DistrictKind::County,
        area: AreaType::County,
        seat_zh: "龙津镇",
        seat_en: "Longjin",
        lat: 28.8440,
        lon: 115.5490,
        weight: 12.0,
        seat_share: 0.45,
        seat_sigma_km: 2.0,
        places: &[("龙津", "Longjin")],
        roads: TOWN_ROADS,
    },
];

/// Splits `total` into parts proportional to `weights` (largest remainder, ties to the
/// earlier part), each at least `min` when `total` allows.
pub fn apportion(total: usize, weights: &[f64], min: usize) -> Vec<usize> {
    let n = weights.len();
    let floor_total = min * n;
    if total < floor_total {
        let mut v = vec![0; n];
        for slot in v.iter_mut().take(total) {
            *slot = 1;
        }
        return v;
    }
    let rest = total - floor_total;
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * rest as f64).collect();
    let mut parts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut left = rest - parts.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.partial_cmp(&ra).expect("finite").then(a.cmp(&b))
    });
    for &i in &order {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts.iter().map(|p| p + min).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nanchang_weights_give_250_sites_as_listed() {
        let w: Vec<f64> = DISTRICTS.iter().map(|d| d.weight).collect();
        let parts = apportion(250, &w, 0);
        assert_eq!(parts, vec![38, 35, 28, 40, 34, 30, 20, 13, 12]);
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0], 1).iter().sum::<usize>(), 10);
    }
}
