//! Solomon format tests: the parser (valid and malformed files) and the double-precision
//! checker that mirrors `shared/peers/check_solution.py`.

mod check;
mod parser;
mod vrplib;

/// Line 1 is the name; customer rows start on line 10.
pub fn instance_text(fleet: &str, rows: &[&str]) -> String {
    let mut text = format!(
        "TINY\n\nVEHICLE\nNUMBER     CAPACITY\n{fleet}\n\nCUSTOMER\n\
         CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n"
    );
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

/// Depot at the origin (due `depot_due`); customer 1 at (3, 4), 2 at (6, 8), 3 at (0, 10).
pub fn tiny(depot_due: u32) -> String {
    let depot = format!("0 0 0 0 0 {depot_due} 0");
    instance_text(
        "  2   10",
        &[
            &depot,
            "1 3 4 5 0 50 1",
            "2 6 8 5 10 12 1",
            "3 0 10 4 0 30 0",
        ],
    )
}

pub fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/solomon")
        .join(name)
}
