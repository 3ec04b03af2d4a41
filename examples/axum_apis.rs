//! cumulo inside an axum server: EC2 at `/services/Cloud`, the OpenStack Compute API at
//! `/compute` and the instance metadata service at `/metadata`, in one axum `Router`
//! with tower-http's `TraceLayer` around it, all over one `FakeCloud` (features `tower`,
//! `fake`, `metadata`, `openstack`).
//!
//! ```text
//! RUST_LOG=tower_http=debug cargo run --example axum_apis --features tower -- 127.0.0.1:8790
//! curl http://127.0.0.1:8790/metadata/
//! curl -H 'X-Auth-Token: demo:default' http://127.0.0.1:8790/compute/v2.1/flavors
//! AWS_ACCESS_KEY_ID=cumulo AWS_SECRET_ACCESS_KEY=cumulo-secret \
//!     aws ec2 describe-regions --endpoint-url http://127.0.0.1:8790/services/Cloud \
//!     --region us-east-1
//! ```

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use cumulo::core::{Application, RemoteAddr, ScriptName};
use cumulo::ec2::Ec2Api;
use cumulo::ec2::auth::{Credential, StaticCredentials};
use cumulo::fake::FakeCloud;
use cumulo::metadata::MetadataService;
use cumulo::openstack::{ComputeApi, ComputeAuth};
use cumulo::tower::TowerService;
use tower_http::trace::TraceLayer;

/// The axum router: EC2, Compute and metadata, traced. Serve it with connect info, so
/// the metadata service knows which address is asking.
pub fn router(
    ec2: Arc<dyn Application>,
    compute: Arc<dyn Application>,
    metadata: Arc<dyn Application>,
) -> Router {
    let ec2 = TowerService::new(ec2);
    // Compute keeps its whole path and learns its prefix from `ScriptName`, so that the
    // links it answers with point back under `/compute`.
    let compute = Router::new()
        .route_service("/compute", TowerService::new(compute.clone()))
        .route_service("/compute/", TowerService::new(compute.clone()))
        .route_service("/compute/{*rest}", TowerService::new(compute))
        .layer(axum::middleware::map_request(compute_prefix));
    Router::new()
        // The whole path is signed, so EC2 is routed, not nested (nesting strips it).
        .route_service("/services/Cloud", ec2.clone())
        .route_service("/services/Cloud/", ec2)
        .merge(compute)
        .nest_service("/metadata", TowerService::new(metadata))
        .layer(axum::middleware::map_request(remote_addr))
        .layer(TraceLayer::new_for_http())
}

/// Hands axum's peer address to cumulo as [`RemoteAddr`].
async fn remote_addr(ConnectInfo(peer): ConnectInfo<SocketAddr>, mut request: Request) -> Request {
    request.extensions_mut().insert(RemoteAddr(peer));
    request
}

/// Tells the Compute API it is mounted under `/compute`.
async fn compute_prefix(mut request: Request) -> Request {
    request
        .extensions_mut()
        .insert(ScriptName("/compute".to_owned()));
    request
}

/// The Compute API over `fake`, trusting NoAuth tokens (`X-Auth-Token: user:project`).
pub fn compute_api(fake: &FakeCloud) -> Arc<dyn Application> {
    ComputeApi::builder(Arc::new(fake.clone()))
        .auth(ComputeAuth::NoAuth)
        .build()
}

/// EC2 over `fake`, signed with `cumulo` / `cumulo-secret` (project `default`).
pub fn ec2_api(fake: &FakeCloud) -> Arc<dyn Application> {
    let credentials = StaticCredentials::new().with(Credential::new(
        "cumulo",
        "cumulo-secret",
        "cumulo",
        "default",
    ));
    Ec2Api::builder(Arc::new(fake.clone()))
        .signature(Arc::new(credentials))
        .build()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("tower_http=debug")),
        )
        .init();
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8790".into());
    let fake = FakeCloud::new();
    let metadata = Arc::new(MetadataService::builder(Arc::new(fake.clone())).build());
    let app = router(ec2_api(&fake), compute_api(&fake), metadata);
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("listening on http://{}", listener.local_addr()?);
    println!("  EC2 at /services/Cloud (access key cumulo, secret cumulo-secret)");
    println!("  OpenStack Compute at /compute/v2.1 (X-Auth-Token: user:project)");
    println!("  instance metadata at /metadata/");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
