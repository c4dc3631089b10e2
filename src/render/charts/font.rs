//! The bundled font: DejaVu Sans (regular and bold) from Debian's fonts-dejavu-core, in
//! `assets/fonts/` with its licence. Every chart uses it, so a PNG is the same on any
//! machine, with or without system fonts.

use plotters::style::{FontFamily, FontStyle};
use std::sync::Once;

/// The family name charts ask for (and SVGs name, with fallbacks).
pub(crate) const FAMILY: &str = "DejaVu Sans";

static REGULAR: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));
static BOLD: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans-Bold.ttf"
));

/// Registers the bundled font with plotters (once per process).
pub(crate) fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are compiled in and tested, so registration cannot fail at run time; if
        // it did, text would fall back to an estimate and the tests would see empty labels.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, REGULAR);
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, BOLD);
    });
}

/// The plotters font family.
pub(crate) fn family() -> FontFamily<'static> {
    FontFamily::Name(FAMILY)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundled_fonts_parse() {
        super::register();
        let desc = plotters::style::FontDesc::new(super::family(), 40.0, super::FontStyle::Bold);
        assert!(desc.box_size("£1.2m").is_ok_and(|(w, _)| w > 0));
    }
}
