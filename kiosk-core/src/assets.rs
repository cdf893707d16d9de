//! Where the kiosk's files are: an explicit folder from the configuration, else the copy
//! installed beside the binary (`<bin>/../share/komek/…`), else the source tree it was built
//! from (development and tests).

use std::path::{Path, PathBuf};

/// `installed` is the folder under `share/komek`; `source` the folder under the repository;
/// `usable` tells whether an installed copy is really there.
pub fn asset_dir(
    explicit: Option<&Path>,
    installed: &str,
    source: &str,
    usable: impl Fn(&Path) -> bool,
) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.parent()
                .map(|d| d.join("../share/komek").join(installed))
        })
        .filter(|d| usable(d))
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(source)
        })
}

/// A table compiled into the binary (prompts, clip manifest). Its own unit test parses the same
/// text, so a broken table cannot reach a kiosk; should one, it is logged and read as empty.
pub fn embedded_table<T: serde::de::DeserializeOwned + Default>(text: &str, what: &str) -> T {
    toml::from_str(text).unwrap_or_else(|e| {
        tracing::error!(error = %e, table = what, "compiled-in table does not parse");
        T::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_wins_then_the_source_tree() {
        let explicit = Path::new("/opt/clips");
        assert_eq!(
            asset_dir(Some(explicit), "sign", "assets/sign/clips", |_| true),
            explicit
        );
        let source = asset_dir(None, "nowhere", "assets/demo", |_| false);
        assert!(source.ends_with("assets/demo"));
        assert!(source.join("catalogue.json").is_file());
    }
}
