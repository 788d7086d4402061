//! Which engineers a headcount means, by a deterministic rule.
//!
//! Seats go to districts in proportion to the devices their sites hold (largest remainder).
//! While the headcount allows, every district gets at least the seats that cover the device
//! families its sites hold (two single-skill engineers where nobody has both skills): a
//! county with one DR engineer cannot inspect its analysers, and a colleague from the city is
//! a day's drive away; below that, at least one seat. Inside a district the
//! scenario's engineers are taken so that the device families of the district are covered
//! first (the engineer adding the most uncovered devices' families, ties by id), then in id
//! order; a district that needs more engineers than it has clones them in the same order
//! (`E-05-C2` is the second copy of `E-05`).

use crate::domain::engineer::Engineer;
use crate::domain::family::DeviceFamily;
use crate::domain::ids::EngineerId;
use crate::scenario::Scenario;
use std::collections::BTreeMap;

/// `headcount` engineers of `scenario` (clones beyond its own), in a stable order.
pub fn select_engineers(scenario: &Scenario, headcount: usize) -> Vec<Engineer> {
    let points = scenario.service_points();
    let district_of_sp: BTreeMap<_, usize> = points
        .iter()
        .enumerate()
        .map(|(i, sp)| (sp.district.clone(), i))
        .collect();
    // Devices per district (by the service point of the site's district) and family.
    let mut devices = vec![[0usize; 2]; points.len()];
    for d in scenario.devices() {
        let site = scenario.site_of(d);
        if let Some(&i) = district_of_sp.get(&site.district) {
            devices[i][d.family().index()] += 1;
        }
    }
    let mut staff: Vec<Vec<&Engineer>> = vec![Vec::new(); points.len()];
    for e in scenario.engineers() {
        if let Some(i) = points.iter().position(|sp| sp.id == e.home) {
            staff[i].push(e);
        }
    }
    for s in &mut staff {
        s.sort_by(|a, b| a.id.cmp(&b.id));
    }
    // Only districts with someone to clone can get seats.
    let weights: Vec<usize> = (0..points.len())
        .map(|i| {
            if staff[i].is_empty() {
                0
            } else {
                devices[i][0] + devices[i][1]
            }
        })
        .collect();
    let orders: Vec<Vec<&Engineer>> = (0..points.len())
        .map(|i| coverage_order(&staff[i], devices[i]))
        .collect();
    let cover: Vec<usize> = (0..points.len())
        .map(|i| covering(&orders[i], devices[i]))
        .collect();
    let seats = apportion(&weights, &cover, headcount);
    let mut out = Vec::with_capacity(headcount);
    for (i, &n) in seats.iter().enumerate() {
        let order = &orders[i];
        for k in 0..n {
            let e = order[k % order.len()];
            let copy = k / order.len();
            if copy == 0 {
                out.push(e.clone());
            } else {
                let mut c = e.clone();
                c.id = EngineerId::new(format!("{}-C{}", e.id, copy + 1))
                    .expect("a suffix of letters and digits keeps the id valid");
                out.push(c);
            }
        }
    }
    out
}

/// Engineers ordered so that each next one adds the most devices of families not yet
/// covered (ties: id order), then the rest in id order.
fn coverage_order<'a>(staff: &[&'a Engineer], devices: [usize; 2]) -> Vec<&'a Engineer> {
    let mut left: Vec<&Engineer> = staff.to_vec();
    let mut covered = [false; 2];
    let mut order = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let gain = |e: &Engineer| -> usize {
            DeviceFamily::ALL
                .into_iter()
                .filter(|f| e.skills.has(*f) && !covered[f.index()])
                .map(|f| devices[f.index()])
                .sum()
        };
        let best = (0..left.len())
            .max_by(|&a, &b| gain(left[a]).cmp(&gain(left[b])).then(b.cmp(&a)))
            .expect("not empty");
        let e = left.remove(best);
        for f in e.skills.iter() {
            covered[f.index()] = true;
        }
        order.push(e);
    }
    order
}

/// How many engineers of `order` (a [`coverage_order`]) cover every family the district's
/// devices hold: at least one, and all of them if they never cover it.
fn covering(order: &[&Engineer], devices: [usize; 2]) -> usize {
    let needed = |covered: &[bool; 2]| {
        DeviceFamily::ALL
            .into_iter()
            .any(|f| devices[f.index()] > 0 && !covered[f.index()])
    };
    let mut covered = [false; 2];
    for (k, e) in order.iter().enumerate() {
        for f in e.skills.iter() {
            covered[f.index()] = true;
        }
        if !needed(&covered) {
            return k + 1;
        }
    }
    order.len().max(1)
}

/// Splits `total` seats in proportion to `weights` (largest remainder, ties to the lower
/// index). Every positive weight then gets at least its `floor` (when the floors fit in
/// `total`; else at least one, when that fits), the seats taken from the district furthest
/// above its quota.
pub fn apportion(weights: &[usize], floor: &[usize], total: usize) -> Vec<usize> {
    let mut seats = vec![0; weights.len()];
    let positive: Vec<usize> = (0..weights.len()).filter(|&i| weights[i] > 0).collect();
    if positive.is_empty() {
        return seats;
    }
    let sum: usize = positive.iter().map(|&i| weights[i]).sum();
    // Quota of district i is weights[i] * total / sum: floor first, then the largest remainders.
    let mut remainders: Vec<(usize, usize)> = Vec::new();
    for &i in &positive {
        let q = weights[i] * total;
        seats[i] = q / sum;
        remainders.push((q % sum, i));
    }
    let given: usize = seats.iter().sum();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take(total - given) {
        seats[i] += 1;
    }
    let floors: usize = positive.iter().map(|&i| floor[i].max(1)).sum();
    let least = |i: usize| match () {
        () if total >= floors => floor[i].max(1),
        () if total >= positive.len() => 1,
        () => 0,
    };
    // Invariant: the least seats sum to at most `total`, so while a district is below its
    // least another is above its own, and can give a seat.
    for &i in &positive {
        while seats[i] < least(i) {
            // Surplus over quota, scaled by `sum`: seats[j] * sum - weights[j] * total.
            let donor = positive
                .iter()
                .copied()
                .filter(|&j| seats[j] > least(j))
                .max_by(|&a, &b| {
                    let surplus =
                        |j: usize| (seats[j] * sum) as i128 - (weights[j] * total) as i128;
                    surplus(a).cmp(&surplus(b)).then(b.cmp(&a))
                })
                .expect("the least seats fit in the total");
            seats[donor] -= 1;
            seats[i] += 1;
        }
    }
    seats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_gives_every_district_a_seat_and_sums_up() {
        let one = [1; 5];
        assert_eq!(apportion(&[10, 30, 60], &one, 10), vec![1, 3, 6]);
        assert_eq!(apportion(&[1, 1, 98], &one, 3), vec![1, 1, 1]);
        assert_eq!(apportion(&[1, 1, 98], &one, 2), vec![0, 0, 2]);
        assert_eq!(apportion(&[0, 5], &one, 4), vec![0, 4]);
        for n in 0..50 {
            let seats = apportion(&[3, 7, 11, 0, 2], &[2, 1, 2, 2, 2], n);
            assert_eq!(seats.iter().sum::<usize>(), n);
        }
    }

    #[test]
    fn apportion_gives_each_district_its_floor_while_the_floors_fit() {
        // Quotas 0.8, 2.4, 4.8 of 8: largest remainder 1, 2, 5; floors of two move one seat
        // from the district furthest above its quota (the third: 5 against 4.8).
        assert_eq!(apportion(&[10, 30, 60], &[2, 2, 1], 8), vec![2, 2, 4]);
        // Floors of 5 do not fit in 4 seats: one seat each, then by quota.
        assert_eq!(apportion(&[10, 30, 60], &[2, 2, 1], 4), vec![1, 1, 2]);
    }
}
