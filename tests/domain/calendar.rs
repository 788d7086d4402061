//! Holidays and adjusted working days: the shipped calendar, working-day arithmetic, and
//! what sites and engineers do on such days.

use crate::support::{d, repo};
use chrono::NaiveDate;
use fieldplan::domain::calendar::{DayKind, HolidayCalendar};
use fieldplan::domain::dates::DateRange;
use fieldplan::domain::day_time::LocalWindow;
use fieldplan::domain::duration::Minutes;
use fieldplan::domain::engineer::{Availability, Engineer, Leave, LeaveKind, Role, Skills};
use fieldplan::domain::family::DeviceFamily;
use fieldplan::domain::ids::{EngineerId, ServicePointId};
use fieldplan::domain::name::Name;
use fieldplan::domain::week::Week;
use std::collections::BTreeSet;

fn shipped() -> HolidayCalendar {
    let text = std::fs::read_to_string(repo().join("config/holidays.toml")).unwrap();
    HolidayCalendar::from_toml_str(&text).unwrap()
}

fn w(t: &str) -> LocalWindow {
    LocalWindow::parse(t).unwrap()
}

#[test]
fn the_shipped_calendar_knows_national_day_and_its_make_up_days() {
    let cal = shipped();
    assert!(matches!(cal.day_kind(d(2026, 10, 1)), DayKind::Holiday(n) if n.contains("National")));
    assert!(cal.is_holiday(d(2026, 10, 7)));
    assert!(cal.is_working_day(d(2026, 10, 8)));
    // Sunday 20 September and Saturday 10 October 2026 are working days.
    assert!(matches!(
        cal.day_kind(d(2026, 9, 20)),
        DayKind::AdjustedWorkday(_)
    ));
    assert!(cal.is_working_day(d(2026, 10, 10)));
    assert_eq!(cal.day_kind(d(2026, 10, 11)), DayKind::Weekend);
    assert!(cal.covers(d(2027, 2, 6)) && !cal.covers(d(2028, 1, 1)));
    assert!(cal.is_holiday(d(2027, 2, 5)));
}

#[test]
fn working_days_skip_the_spring_festival() {
    let cal = shipped();
    // Friday 13 February 2026, then the adjusted Saturday, then nine days off.
    assert_eq!(cal.working_days_after(d(2026, 2, 13), 1), d(2026, 2, 14));
    assert_eq!(cal.working_days_after(d(2026, 2, 14), 1), d(2026, 2, 24));
    // A dead-on-arrival unit comes back within 15 working days.
    assert_eq!(cal.working_days_after(d(2026, 9, 28), 15), d(2026, 10, 23));
}

#[test]
fn bad_calendars_name_the_field() {
    let e = HolidayCalendar::from_toml_str(
        "years = [2026]\n[[workday]]\ndate = \"2026-10-08\"\nname = \"x\"\n",
    )
    .unwrap_err();
    assert_eq!(e.field, "workday[0].date");
    let e = HolidayCalendar::from_toml_str(
        "years = [2026]\n[[holiday]]\nname = \"a\"\nfrom = \"2026-10-03\"\nto = \"2026-10-01\"\n",
    )
    .unwrap_err();
    assert_eq!(e.field, "holiday[0].to");
    let e = HolidayCalendar::from_toml_str(
        "years = [2026]\n[[holiday]]\nname = \"a\"\nfrom = \"2026-10-01\"\nto = \"2026-10-03\"\n\
         [[holiday]]\nname = \"b\"\nfrom = \"2026-10-03\"\nto = \"2026-10-04\"\n",
    )
    .unwrap_err();
    assert_eq!(e.field, "holiday[1]");
}

fn engineer(on_call: &[NaiveDate]) -> Engineer {
    let day = Some(w("08:30-17:30"));
    Engineer {
        id: EngineerId::new("E-01").unwrap(),
        name: Name::new("熊伟", "Xiong Wei").unwrap(),
        role: Role::FieldEngineer,
        home: ServicePointId::new("SP-DH").unwrap(),
        skills: Skills::new([DeviceFamily::Dr]).unwrap(),
        shifts: Week {
            mon: day,
            tue: day,
            wed: day,
            thu: day,
            fri: day,
            ..Week::default()
        },
        days_off: BTreeSet::from([d(2026, 12, 2)]),
        leave: vec![Leave {
            dates: DateRange::new(d(2026, 12, 7), d(2026, 12, 9)).unwrap(),
            kind: LeaveKind::Annual,
        }],
        overtime_per_week: Minutes::hours(6),
        on_call: on_call.iter().copied().collect(),
    }
}

#[test]
fn engineers_are_off_on_holidays_unless_on_call_and_work_adjusted_days() {
    let cal = shipped();
    let e = engineer(&[d(2026, 10, 2)]);
    assert_eq!(e.availability(d(2026, 10, 1), &cal), Availability::Off);
    assert_eq!(e.availability(d(2026, 10, 2), &cal), Availability::OnCall);
    assert_eq!(
        e.availability(d(2026, 10, 10), &cal),
        Availability::Shift(w("08:30-17:30"))
    );
    assert_eq!(
        e.availability(d(2026, 12, 1), &cal),
        Availability::Shift(w("08:30-17:30"))
    );
    assert_eq!(e.availability(d(2026, 12, 2), &cal), Availability::Off);
    assert_eq!(e.availability(d(2026, 12, 8), &cal), Availability::Off);
    assert_eq!(e.availability(d(2026, 12, 5), &cal), Availability::Off);
}

#[test]
fn clinics_close_on_holidays_and_hospitals_stay_open() {
    use fieldplan::scenario::Scenario;
    let cal = shipped();
    let s = Scenario::load(repo().join("data/nanchang")).unwrap();
    let clinic = s
        .sites()
        .iter()
        .find(|x| x.closed_on_public_holidays)
        .unwrap();
    let hospital = s
        .sites()
        .iter()
        .find(|x| !x.closed_on_public_holidays)
        .unwrap();
    let holiday = d(2026, 10, 2); // a Friday
    assert!(clinic.open_windows(holiday, &cal).is_empty());
    assert!(!hospital.open_windows(holiday, &cal).is_empty());
    // Sunday 20 September is a working day: the clinic keeps its Monday hours.
    let sunday = d(2026, 9, 20);
    assert_eq!(
        clinic.open_windows(sunday, &cal),
        clinic.opening.week().mon.as_slice()
    );
}
