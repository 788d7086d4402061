//! The sweep's chart: SLA attainment and inspection compliance against headcount, the
//! replication mean as a line and the 90 % interval as error bars, the targets dashed.
//! SVG only (plotters without its font features: the SVG names a generic font and the
//! viewer draws the text, so no font files are needed).

use super::sweep::{LevelResult, Stat, SweepResult};
use plotters::prelude::*;

struct Series {
    label: String,
    colour: RGBColor,
    stat: fn(&LevelResult, usize) -> Stat,
}

/// The chart of a sweep as an SVG document.
pub fn chart_svg(result: &SweepResult) -> String {
    let mut svg = String::new();
    // Drawing into a String cannot fail for I/O reasons; a layout error leaves a partial SVG.
    let _ = draw(result, &mut svg);
    svg
}

/// The four series drawn: on-site attainment at the target's level, each level's SLA
/// attainment, inspection compliance.
fn series(target: &super::config::Target) -> [Series; 4] {
    [
        Series {
            label: format!(
                "level {} on site within {}",
                target.level.number(),
                target.on_site_within
            ),
            colour: RGBColor(214, 39, 40),
            stat: |l, tl| l.on_site[tl],
        },
        Series {
            label: "level 1: every SLA milestone met".into(),
            colour: RGBColor(255, 127, 14),
            stat: |l, _| l.sla[0],
        },
        Series {
            label: "level 2: every SLA milestone met".into(),
            colour: RGBColor(148, 103, 189),
            stat: |l, _| l.sla[1],
        },
        Series {
            label: "inspections in window".into(),
            colour: RGBColor(31, 119, 180),
            stat: |l, _| l.inspections,
        },
    ]
}

fn draw(result: &SweepResult, svg: &mut String) -> Result<(), Box<dyn std::error::Error>> {
    let target = &result.params.target;
    let tl = usize::from(target.level.number() - 1);
    let levels = &result.levels;
    let (x0, x1) = match (levels.first(), levels.last()) {
        (Some(a), Some(b)) => (a.headcount as f64 - 1.0, b.headcount as f64 + 1.0),
        _ => (0.0, 1.0),
    };
    let y0 = levels
        .iter()
        .flat_map(|l| {
            [
                l.on_site[tl].lo,
                l.sla[0].lo,
                l.sla[1].lo,
                l.inspections.lo,
                target.fault_share,
            ]
        })
        .fold(1.0f64, f64::min);
    let y0 = ((y0 * 10.0).floor() / 10.0).clamp(0.0, 0.9) * 100.0;
    let series = series(target);
    {
        let root = SVGBackend::with_string(svg, (900, 560)).into_drawing_area();
        root.fill(&WHITE)?;
        let title = format!(
            "{} policy: SLA attainment and compliance vs headcount ({} reps, {} days)",
            result.policy, result.params.reps, result.params.sim.days
        );
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(x0..x1, y0..100.5)?;
        chart
            .configure_mesh()
            .x_desc("engineers")
            .y_desc("% (mean, 90% interval)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()?;
        for (share, label, colour) in [
            (
                target.fault_share,
                format!("target {:.0}%", target.fault_share * 100.0),
                RGBColor(214, 39, 40),
            ),
            (
                target.inspection_share,
                format!("target {:.0}%", target.inspection_share * 100.0),
                RGBColor(31, 119, 180),
            ),
        ] {
            let y = share * 100.0;
            let style = colour.mix(0.6).stroke_width(1);
            chart.draw_series(DashedLineSeries::new(vec![(x0, y), (x1, y)], 6, 4, style))?;
            chart.draw_series(std::iter::once(Text::new(
                label,
                (x0 + 0.1, y + (100.5 - y0) * 0.015),
                ("sans-serif", 12).into_font().color(&colour),
            )))?;
        }
        // Series side by side around each headcount, so that their intervals stay apart.
        let spread = ((x1 - x0) / levels.len().max(1) as f64 * 0.06).min(0.25);
        for (i, s) in series.iter().enumerate() {
            let colour = s.colour;
            let dx = (i as f64 - 1.5) * spread;
            let points: Vec<(f64, Stat)> = levels
                .iter()
                .map(|l| (l.headcount as f64 + dx, (s.stat)(l, tl)))
                .collect();
            chart
                .draw_series(LineSeries::new(
                    points.iter().map(|(x, st)| (*x, st.mean * 100.0)),
                    colour.stroke_width(2),
                ))?
                .label(s.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
                });
            chart.draw_series(points.iter().map(|(x, st)| {
                ErrorBar::new_vertical(
                    *x,
                    st.lo * 100.0,
                    st.mean * 100.0,
                    st.hi * 100.0,
                    colour.filled(),
                    8,
                )
            }))?;
            chart.draw_series(
                points
                    .iter()
                    .map(|(x, st)| Circle::new((*x, st.mean * 100.0), 3, colour.filled())),
            )?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 13))
            .draw()?;
        root.present()?;
    }
    Ok(())
}
