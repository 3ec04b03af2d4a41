//! Helpers for tests of EC2 clients and backends: the fake cloud behind the standard
//! EC2 chain, called in process (no socket) or served on an ephemeral port.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use cumulo::testing::TestCloud;
//!
//! let cloud = TestCloud::new();
//! let answer = cloud.client().call("DescribeRegions", &[]).await;
//! assert_eq!(answer.status, 200);
//! assert!(answer.body.contains("<regionName>us-east-1</regionName>"));
//! # });
//! ```

use std::sync::Arc;

use crate::core::{Application, Body, Request, SharedClock, SystemClock};
use crate::ec2::Ec2Api;
use crate::ec2::auth::signer::sign_v4;
use crate::ec2::auth::{Credential, StaticCredentials};
use crate::fake::FakeCloud;

/// The access key of the test credential in project `default`.
pub const ACCESS_KEY: &str = "AKIDCUMULOTEST";
/// The secret of [`ACCESS_KEY`].
pub const SECRET: &str = "cumulo-test-secret";
/// The access key of a second credential, in project `other`, for isolation tests.
pub const OTHER_ACCESS_KEY: &str = "AKIDCUMULOOTHER";
/// The secret of [`OTHER_ACCESS_KEY`].
pub const OTHER_SECRET: &str = "cumulo-other-secret";

/// A fake cloud behind the standard EC2 chain, with signature checks on.
#[derive(Clone)]
pub struct TestCloud {
    fake: FakeCloud,
    app: Arc<dyn Application>,
    clock: SharedClock,
    region: String,
}

impl std::fmt::Debug for TestCloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCloud")
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl Default for TestCloud {
    fn default() -> Self {
        TestCloud::new()
    }
}

impl TestCloud {
    /// A new fake cloud with default settings, on the system clock.
    pub fn new() -> Self {
        TestCloud::with_fake(FakeCloud::new(), Arc::new(SystemClock))
    }

    /// The chain over `fake`, with `clock` for signatures. Two credentials sign:
    /// [`ACCESS_KEY`] in project `default` and [`OTHER_ACCESS_KEY`] in project `other`,
    /// both with role `member`.
    pub fn with_fake(fake: FakeCloud, clock: SharedClock) -> Self {
        let credentials = StaticCredentials::new()
            .with(Credential::new(ACCESS_KEY, SECRET, "tester", "default"))
            .with(Credential::new(
                OTHER_ACCESS_KEY,
                OTHER_SECRET,
                "other-tester",
                "other",
            ));
        let regions = fake.regions().to_vec();
        let region = regions
            .first()
            .cloned()
            .unwrap_or_else(|| "us-east-1".to_owned());
        let app = Ec2Api::builder(Arc::new(fake.clone()))
            .signature(Arc::new(credentials))
            .regions(regions)
            .clock(clock.clone())
            .build();
        TestCloud {
            fake,
            app,
            clock,
            region,
        }
    }

    /// The fake behind the chain.
    pub fn fake(&self) -> &FakeCloud {
        &self.fake
    }

    /// The whole chain, as an [`Application`].
    pub fn app(&self) -> Arc<dyn Application> {
        self.app.clone()
    }

    /// A client signing as [`ACCESS_KEY`] (project `default`).
    pub fn client(&self) -> Ec2Client {
        self.client_for(ACCESS_KEY, SECRET)
    }

    /// A client signing with another credential.
    pub fn client_for(&self, access_key: &str, secret: &str) -> Ec2Client {
        Ec2Client {
            app: self.app.clone(),
            clock: self.clock.clone(),
            access_key: access_key.to_owned(),
            secret: secret.to_owned(),
            region: self.region.clone(),
        }
    }

    /// Serves the chain on an ephemeral loopback port until the returned server drops.
    #[cfg(feature = "hyper")]
    pub async fn serve(&self) -> std::io::Result<TestServer> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = crate::server::Server::new(self.app.clone());
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(error) = server.serve_with_shutdown(listener, shutdown).await {
                tracing::error!(target: "cumulo::testing", %error, "test server failed");
            }
        });
        Ok(TestServer {
            address,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// An in-process EC2 client: signs requests with SigV4 and calls the chain directly.
#[derive(Clone)]
pub struct Ec2Client {
    app: Arc<dyn Application>,
    clock: SharedClock,
    access_key: String,
    secret: String,
    region: String,
}

impl std::fmt::Debug for Ec2Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ec2Client")
            .field("access_key", &self.access_key)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// What the chain answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ec2Answer {
    /// The HTTP status.
    pub status: u16,
    /// The XML body.
    pub body: String,
}

impl Ec2Answer {
    /// The `<Code>` of an error answer.
    pub fn error_code(&self) -> Option<&str> {
        let start = self.body.find("<Code>")? + "<Code>".len();
        let end = self.body[start..].find("</Code>")? + start;
        Some(&self.body[start..end])
    }
}

impl Ec2Client {
    /// The same client, addressing `region`.
    pub fn in_region(mut self, region: &str) -> Self {
        self.region = region.to_owned();
        self
    }

    /// A signed POST of `action` with `params`, as an SDK would send it.
    pub fn signed_request(&self, action: &str, params: &[(&str, &str)]) -> Request {
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("Action", action)
            .append_pair("Version", "2016-11-15");
        for (name, value) in params {
            body.append_pair(name, value);
        }
        let mut request = http::Request::builder()
            .method("POST")
            .uri("/")
            .header(
                http::header::HOST,
                format!("ec2.{}.amazonaws.com", self.region),
            )
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(Body::from(body.finish()))
            .expect("a valid request");
        sign_v4(
            &mut request,
            &self.access_key,
            self.secret.as_bytes(),
            &self.region,
            "ec2",
            self.clock.now(),
        );
        request
    }

    /// Calls `action` with `params` and returns the answer.
    pub async fn call(&self, action: &str, params: &[(&str, &str)]) -> Ec2Answer {
        let request = self.signed_request(action, params);
        match self.app.call(request).await {
            Ok(response) => Ec2Answer {
                status: response.status().as_u16(),
                body: String::from_utf8_lossy(response.body().as_bytes()).into_owned(),
            },
            Err(error) => Ec2Answer {
                status: 500,
                body: error.to_string(),
            },
        }
    }
}

/// A [`TestCloud`] served on a loopback port; stops when dropped.
#[cfg(feature = "hyper")]
#[derive(Debug)]
pub struct TestServer {
    address: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

#[cfg(feature = "hyper")]
impl TestServer {
    /// The address the server listens on.
    pub fn address(&self) -> std::net::SocketAddr {
        self.address
    }

    /// The endpoint URL to give a client: `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The credential of project `default`: access key and secret.
    pub fn credentials(&self) -> (&'static str, &'static str) {
        (ACCESS_KEY, SECRET)
    }

    /// Stops the server and waits for its connections to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

#[cfg(feature = "hyper")]
impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
