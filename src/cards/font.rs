//! The font cards are drawn in: `[cards] font = "path"` in config.toml, else a system font
//! with Hangul found through fontconfig (fontdb reads its configuration). The system's fonts
//! are scanned once per process, however many builds `serve` runs or cards a site has.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use resvg::usvg::fontdb;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, GlyphId, MetadataProvider};

use crate::fingerprint;

/// What `build` and `serve` print once when no font can draw Korean.
pub const NO_HANGUL_WARNING: &str = "warning: no font with Hangul found, social cards are off; install one (Debian: fonts-nanum) or set [cards] font = \"path\"";

/// One face: the bytes of its file and its index in it (a collection holds several).
#[derive(Clone)]
struct Face {
    data: Arc<Vec<u8>>,
    index: u32,
    family: String,
}

/// A font that draws Hangul, ready for drawing and measuring: a regular face and, when its
/// family has one, a bold face for the title.
pub struct CardFont {
    regular: Face,
    bold: Option<Face>,
    /// The faces alone, for usvg: no other font can be picked by mistake.
    pub db: Arc<fontdb::Database>,
    /// Of the faces' bytes: part of every cached card's key.
    pub fingerprint: u64,
}

impl std::fmt::Debug for CardFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardFont")
            .field("family", &self.regular.family)
            .field("bold", &self.bold.as_ref().map(|b| &b.family))
            .finish()
    }
}

impl CardFont {
    fn new(regular: Face, bold: Option<Face>) -> CardFont {
        let mut db = fontdb::Database::new();
        for f in std::iter::once(&regular).chain(&bold) {
            db.load_font_source(fontdb::Source::Binary(f.data.clone()));
        }
        let fingerprint = fingerprint::of(&(
            fingerprint::of_bytes(&regular.data),
            regular.index,
            bold.as_ref()
                .map(|b| (fingerprint::of_bytes(&b.data), b.index)),
        ));
        CardFont {
            regular,
            bold,
            db: Arc::new(db),
            fingerprint,
        }
    }

    /// The family name of the regular face (the template's `font`).
    pub fn family(&self) -> &str {
        &self.regular.family
    }

    /// The family name of the title's face (the template's `title_font`) and its weight.
    pub fn title_face(&self) -> (&str, u16) {
        match &self.bold {
            Some(b) => (&b.family, 700),
            None => (&self.regular.family, 400),
        }
    }

    /// Measures characters of the title (`bold`) or the other lines at `size` pixels.
    pub fn measure(&self, bold: bool, size: f32) -> Option<Measure<'_>> {
        let face = match (&self.bold, bold) {
            (Some(b), true) => b,
            _ => &self.regular,
        };
        let font = FontRef::from_index(&face.data, face.index).ok()?;
        Some(Measure {
            charmap: font.charmap(),
            metrics: font.glyph_metrics(Size::new(size), LocationRef::default()),
            fallback: size,
        })
    }
}

/// Advance widths of one face at one size.
pub struct Measure<'a> {
    charmap: skrifa::charmap::Charmap<'a>,
    metrics: skrifa::metrics::GlyphMetrics<'a>,
    /// A character the font cannot measure counts as a whole em: too wide rather than too
    /// narrow, so the text stays in the frame.
    fallback: f32,
}

impl Measure<'_> {
    /// The width of `c` as drawn; a character the face lacks is drawn as its missing-glyph
    /// box, so it is measured as that.
    pub fn advance(&self, c: char) -> f32 {
        let glyph = self.charmap.map(c).unwrap_or(GlyphId::NOTDEF);
        self.metrics.advance_width(glyph).unwrap_or(self.fallback)
    }
}

/// Whether the face at `index` of `data` has glyphs for Hangul syllables.
fn has_hangul(data: &[u8], index: u32) -> bool {
    FontRef::from_index(data, index).is_ok_and(|f| {
        let map = f.charmap();
        map.map('한').is_some() && map.map('가').is_some()
    })
}

/// The font at `path` (`[cards] font`, resolved against the site root): `Ok(None)` when it
/// has no Hangul, `Err` with what is wrong when it cannot be used.
pub fn from_file(path: &Path) -> Result<Option<Arc<CardFont>>, String> {
    if !path.is_file() {
        return Err("does not exist or is not a file".into());
    }
    let data = std::fs::read(path).map_err(|e| format!("cannot be read ({e})"))?;
    let mut db = fontdb::Database::new();
    db.load_font_data(data.clone());
    let Some(face) = db.faces().next() else {
        return Err(
            "is not a font (expected a TrueType or OpenType file, .ttf, .otf or .ttc)".into(),
        );
    };
    let family = face
        .families
        .first()
        .map_or_else(String::new, |f| f.0.clone());
    let index = face.index;
    if !has_hangul(&data, index) {
        return Ok(None);
    }
    Ok(Some(Arc::new(CardFont::new(
        Face {
            data: Arc::new(data),
            index,
            family,
        },
        None,
    ))))
}

/// A system font with Hangul, found once per process; `None` when there is none.
pub fn system() -> Option<Arc<CardFont>> {
    static FOUND: OnceLock<Option<Arc<CardFont>>> = OnceLock::new();
    FOUND.get_or_init(find_system).clone()
}

fn find_system() -> Option<Arc<CardFont>> {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    // Upright faces with Hangul, by family.
    let mut families: std::collections::BTreeMap<String, Vec<&fontdb::FaceInfo>> =
        Default::default();
    for face in db.faces() {
        if face.style != fontdb::Style::Normal {
            continue;
        }
        let Some((family, _)) = face.families.first() else {
            continue;
        };
        if db.with_face_data(face.id, has_hangul).unwrap_or(false) {
            families.entry(family.clone()).or_default().push(face);
        }
    }
    let sans = db.family_name(&fontdb::Family::SansSerif).to_string();
    // The system's sans-serif when it has Hangul, else a sans family (Korean calls it
    // "Gothic") with a bold face, not a coding font; by name among equals, so the choice
    // does not change from one run to the next.
    let score = |name: &str, faces: &[&fontdb::FaceInfo]| {
        let lower = name.to_lowercase();
        (
            *name == sans,
            faces.iter().any(|f| f.weight.0 >= 600) && faces.iter().any(|f| f.weight.0 < 600),
            lower.contains("gothic") || lower.contains("sans"),
            !(lower.contains("coding") || lower.contains("mono")),
        )
    };
    let (_, faces) = families
        .iter()
        .rev()
        .max_by_key(|(name, faces)| score(name, faces))?;
    let nearest = |target: u16| {
        faces
            .iter()
            .min_by_key(|f| (i32::from(f.weight.0) - i32::from(target)).abs())
            .copied()
    };
    let load = |info: &fontdb::FaceInfo| {
        db.with_face_data(info.id, |data, index| Face {
            data: Arc::new(data.to_vec()),
            index,
            family: info
                .families
                .first()
                .map_or_else(String::new, |f| f.0.clone()),
        })
    };
    let regular_info = nearest(400)?;
    let regular = load(regular_info)?;
    let bold = nearest(700)
        .filter(|b| b.weight.0 >= 600 && b.id != regular_info.id)
        .and_then(load);
    Some(Arc::new(CardFont::new(regular, bold)))
}
