//! cumulo inside an actix-web server: EC2 at `/` and `/services/Cloud`, the OpenStack
//! Compute API at `/compute`, the instance metadata service at `/metadata`, all over one
//! `FakeCloud` (features `actix`, `fake`, `metadata`, `openstack`).
//!
//! ```text
//! cargo run --example actix_apis --features actix -- 127.0.0.1:8791
//! curl http://127.0.0.1:8791/metadata/
//! curl -H 'X-Auth-Token: demo:default' http://127.0.0.1:8791/compute/v2.1/flavors
//! AWS_ACCESS_KEY_ID=cumulo AWS_SECRET_ACCESS_KEY=cumulo-secret \
//!     aws ec2 describe-regions --endpoint-url http://127.0.0.1:8791 --region us-east-1
//! ```

use std::sync::Arc;

use actix_web::{App, HttpServer, web};
use cumulo::core::Application;
use cumulo::ec2::Ec2Api;
use cumulo::ec2::auth::{Credential, StaticCredentials};
use cumulo::fake::FakeCloud;
use cumulo::metadata::MetadataService;
use cumulo::openstack::{ComputeApi, ComputeAuth};

/// The applications the example mounts.
#[derive(Clone)]
pub struct Apis {
    /// The EC2 Query API.
    pub ec2: Arc<dyn Application>,
    /// The OpenStack Compute API.
    pub compute: Arc<dyn Application>,
    /// The instance metadata service.
    pub metadata: Arc<dyn Application>,
}

/// Mounts EC2, Compute and metadata in an actix-web app. A scope's prefix reaches each
/// application as its `ScriptName`, so Compute's links point back under `/compute`.
pub fn mount(config: &mut web::ServiceConfig, apis: Apis) {
    let Apis {
        ec2,
        compute,
        metadata,
    } = apis;
    config
        .service(web::scope("/metadata").default_service(cumulo::actix::to(metadata)))
        .service(web::scope("/compute").default_service(cumulo::actix::to(compute)))
        .service(web::scope("/services/Cloud").default_service(cumulo::actix::to(ec2.clone())))
        .default_service(cumulo::actix::to(ec2));
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
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8791".into());
    let fake = FakeCloud::new();
    let apis = Apis {
        ec2: ec2_api(&fake),
        compute: compute_api(&fake),
        metadata: Arc::new(MetadataService::builder(Arc::new(fake.clone())).build()),
    };
    let server = HttpServer::new(move || {
        let apis = apis.clone();
        App::new().configure(move |config| mount(config, apis))
    })
    .bind(listen)?;
    for address in server.addrs() {
        println!("listening on http://{address}");
    }
    println!("  EC2 at / and /services/Cloud (access key cumulo, secret cumulo-secret)");
    println!("  OpenStack Compute at /compute/v2.1 (X-Auth-Token: user:project)");
    println!("  instance metadata at /metadata/");
    server.run().await
}
