//! What a changed path means for the site: a pure function of the path, so every editor's
//! habits can be tested without a watcher.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    Config,
    Template,
    Content,
    Static,
    /// Editor temp and lock files, the output, anything outside the watched folders.
    Ignored,
}

/// Classifies `path`, relative to the site root.
pub fn classify(rel: &Path) -> Change {
    let Some(name) = rel.file_name().and_then(|n| n.to_str()) else {
        return Change::Ignored;
    };
    if crate::fs::is_editor_temp(name) {
        return Change::Ignored;
    }
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy())
        .unwrap_or_default();
    // `content/` and `templates/` skip hidden files and folders when loading, so changes
    // there mean nothing; `static/` copies them (`.well-known/`), so they count.
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    match first.as_ref() {
        "config.toml" if rel.components().count() == 1 => Change::Config,
        "static" => Change::Static,
        _ if hidden => Change::Ignored,
        "templates" => Change::Template,
        // Any path: a moved or deleted folder of posts reports only the folder, whatever
        // its name (`season.3`). A non-Markdown file costs a rebuild that renders nothing.
        "content" => Change::Content,
        _ => Change::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(p: &str) -> Change {
        classify(Path::new(p))
    }

    #[test]
    fn real_files_by_folder() {
        assert_eq!(c("config.toml"), Change::Config);
        assert_eq!(c("templates/post.html"), Change::Template);
        assert_eq!(c("templates/partials/footer.html"), Change::Template);
        assert_eq!(c("content/posts/2025/a.md"), Change::Content);
        assert_eq!(c("content/about.md"), Change::Content);
        assert_eq!(c("static/style.css"), Change::Static);
        assert_eq!(c("static/images/a.png"), Change::Static);
        // Folders: a moved or deleted folder of posts reports only itself.
        assert_eq!(c("content/posts/2025"), Change::Content);
        assert_eq!(c("content"), Change::Content);
    }

    #[test]
    fn editor_files_are_ignored() {
        for p in [
            "content/posts/.a.md.swp",
            "content/posts/.a.md.swx",
            "content/posts/4913",
            "content/posts/a.md~",
            "content/posts/.#a.md",
            "content/posts/#a.md#",
            "content/posts/a.md___jb_tmp___",
            "content/posts/a.md___jb_old___",
            "content/posts/a.md.kate-swp",
            "content/posts/a.md.bak",
            "content/posts/a.md.tmp",
            "content/posts/a.md.bck",
            "static/.DS_Store",
            "templates/.post.html.swp",
        ] {
            assert_eq!(c(p), Change::Ignored, "{p}");
        }
    }

    #[test]
    fn everything_else_is_ignored() {
        assert_eq!(c("public/index.html"), Change::Ignored);
        assert_eq!(c("content/posts/notes.txt"), Change::Content);
        assert_eq!(c("README.md"), Change::Ignored);
        assert_eq!(c("config.toml.bak"), Change::Ignored);
        assert_eq!(c(".git/index"), Change::Ignored);
        assert_eq!(c("content/.hidden/a.md"), Change::Ignored);
        assert_eq!(c("static/.well-known/security.txt"), Change::Static);
        assert_eq!(c("content/posts/season.3"), Change::Content);
        assert_eq!(c("templatesx/a.html"), Change::Ignored);
    }
}
