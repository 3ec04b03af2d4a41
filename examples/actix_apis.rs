//! cumulo inside an actix-web server: EC2 at `/` and `/services/Cloud`, the instance
//! metadata service at `/metadata`, all over one `FakeCloud` (features `actix`, `fake`,
//! `metadata`).
//!
//! ```text
//! cargo run --example actix_apis --features actix -- 127.0.0.1:8791
//! curl http://127.0.0.1:8791/metadata/
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

/// Mounts EC2 and metadata in an actix-web app.
pub fn mount(
    config: &mut web::ServiceConfig,
    ec2: Arc<dyn Application>,
    metadata: Arc<dyn Application>,
) {
    config
        .service(web::scope("/metadata").default_service(cumulo::actix::to(metadata)))
        .service(web::scope("/services/Cloud").default_service(cumulo::actix::to(ec2.clone())))
        .default_service(cumulo::actix::to(ec2));
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
    let ec2 = ec2_api(&fake);
    let metadata: Arc<dyn Application> =
        Arc::new(MetadataService::builder(Arc::new(fake.clone())).build());
    let server = HttpServer::new(move || {
        let (ec2, metadata) = (ec2.clone(), metadata.clone());
        App::new().configure(move |config| mount(config, ec2, metadata))
    })
    .bind(listen)?;
    for address in server.addrs() {
        println!("listening on http://{address}");
    }
    println!("  EC2 at / and /services/Cloud (access key cumulo, secret cumulo-secret)");
    println!("  instance metadata at /metadata/");
    server.run().await
}
