//! The embedded default: with no gateway configured, the kiosk runs the gateway in-process on
//! loopback with the demo data, so one command shows the whole product.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use komek_gateway::{GatewayConfig, GatewayError, RunningGateway};

/// Where the demo data are: an explicit folder, the installed copy, or the source tree.
pub fn demo_data_dir(explicit: Option<&Path>) -> PathBuf {
    komek_kiosk_core::assets::asset_dir(explicit, "demo", "assets/demo", |d| {
        d.join("catalogue.json").is_file()
    })
}

/// Starts the demo gateway on 127.0.0.1 (a free port) with its database at `db_path`; it
/// trusts ID cards issued under `card_roots` (DER; the demo card's root).
pub async fn start(
    db_path: &Path,
    demo_data: &Path,
    card_roots: Vec<Vec<u8>>,
) -> Result<RunningGateway, GatewayError> {
    let config = GatewayConfig {
        db_path: db_path.to_path_buf(),
        demo_data: Some(demo_data.to_path_buf()),
        dev_endpoints: true,
        grant_lifetime: komek_gateway::auth::GRANT_LIFETIME,
        card_roots,
        egov_token: None,
        qr_lifetime: komek_gateway::card::QR_LIFETIME,
    };
    komek_gateway::spawn(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
}

/// Whose demo ID card the embedded kiosk offers (fictional; see assets/demo/README.md): the
/// same demo person whose eGov Mobile approves the demo's QR logins.
pub const DEMO_CARD_HOLDER: &str = komek_kiosk_core::core::DEMO_QR_PARTICIPANT;
