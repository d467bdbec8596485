//! What the goal widgets share: the percentage towards a goal, the progress-bar element's
//! properties and amounts written the way people read them (`1,234.50`).

use super::params::num_value;
use crate::model::Map;
use crate::props;

/// Percent of `goal` reached (0–100, one decimal).
pub fn percent(total: f64, goal: f64) -> f64 {
    ((total / goal.max(1.0) * 100.0).clamp(0.0, 100.0) * 10.0).round() / 10.0
}

/// The bar element's properties for `percent` in `color`.
pub fn bar(percent: f64, color: &str, reached: bool) -> Map {
    props! {
        "progress": {
            "percent": num_value(percent),
            "color": color,
            "track_color": "rgba(12, 12, 20, 0.6)",
        },
        "goal_reached": reached,
    }
}

/// `1,234.50`; whole amounts without decimals (`500`).
pub fn amount(value: f64) -> String {
    let negative = value < 0.0;
    let cents = (value.abs() * 100.0).round() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_is_capped_and_amounts_are_grouped() {
        assert_eq!(percent(50.0, 500.0), 10.0);
        assert_eq!(percent(1000.0, 500.0), 100.0);
        assert_eq!(percent(1.0, 3.0), 33.3);
        assert_eq!(amount(1234.5), "1,234.50");
        assert_eq!(amount(1_000_000.0), "1,000,000");
        assert_eq!(amount(42.0), "42");
    }
}
