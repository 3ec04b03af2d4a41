//! An in-memory cloud for EC2 clients: the EC2 Query API and the instance metadata service
//! over `cumulo::fake::FakeCloud`.
//!
//! ```text
//! cargo run --release --example cloud_server -- --metadata-caller newest
//! AWS_ACCESS_KEY_ID=cumulo AWS_SECRET_ACCESS_KEY=cumulo-secret \
//!     aws ec2 describe-images --endpoint-url http://127.0.0.1:8773 --region us-east-1
//! curl http://127.0.0.1:8775/latest/meta-data/instance-id
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use cumulo::core::{Application, Body, Request, Response, UrlMap, from_fn};
use cumulo::ec2::auth::{Credential, StaticCredentials};
use cumulo::ec2::{Authentication, Ec2Api};
use cumulo::fake::{FakeCloud, LoopbackAsNewest, Quotas};
use cumulo::metadata::{MetadataProvider, MetadataService};
use cumulo::server::Server;

const DEFAULT_ACCESS_KEY: &str = "cumulo";
const DEFAULT_SECRET: &str = "cumulo-secret";
const DEFAULT_PROJECT: &str = "default";

const USAGE: &str = "\
cloud_server: an in-memory cloud that speaks the EC2 Query API and serves instance metadata

USAGE:
    cloud_server [OPTIONS]

OPTIONS:
    --ec2-listen ADDR         where EC2 listens (default 127.0.0.1:8773; port 0 picks one)
    --region NAME             the default region (default us-east-1)
    --account-id ID           the default project's 12-digit account id (default 123456789012)
    --credential ACCESS:SECRET[:PROJECT[:ROLE,ROLE]]
                              a credential that may sign requests (repeatable; project
                              `default` and role `member` unless given). Without any, the
                              pair cumulo / cumulo-secret works, in project `default`.
    --auth signature|none     verify signatures (default), or trust the access key as
                              `user:project` without checking anything
    --allow-unknown-images    launch any well-formed image id, not only those one can see
    --instance-limit N        pending and running instances allowed per project and
                              region (default 1000)
    --quota NAME=N            another per-project, per-region quota (repeatable): NAME is
                              security-groups, rules-per-group, addresses, key-pairs,
                              volumes or snapshots (defaults 2500, 60, 5, 5000, 5000
                              and 100000)
    --lockout-memcached HOST:PORT
                              keep lockout counts in memcached, shared with other API
                              nodes (needs the `memcached` feature)
    --reset-api               serve POST /moto-api/reset, which forgets every resource:
                              test suites written for moto's server mode call it
                              between tests
    --metadata-listen ADDR    where the metadata service listens (default 127.0.0.1:8775;
                              when that default is taken, the server warns and goes on
                              without metadata)
    --metadata-secret SECRET  accept X-Instance-ID, X-Tenant-ID and X-Instance-ID-Signature
                              (hex HMAC-SHA256 of the instance id under SECRET) from a
                              metadata proxy
    --metadata-caller newest  a loopback caller reads the metadata of the newest running
                              instance of project `default`, looked up afresh at each
                              request (default: callers are found by their address only)
    --debug                   log every request and response (secrets redacted)
    -h, --help                this text
";

struct Options {
    ec2_listen: SocketAddr,
    region: String,
    account_id: String,
    credentials: Vec<Credential>,
    auth_none: bool,
    allow_unknown_images: bool,
    quotas: Quotas,
    lockout_memcached: Option<String>,
    reset_api: bool,
    metadata: MetadataOptions,
    debug: bool,
}

/// Where and how the metadata service is served.
struct MetadataOptions {
    listen: SocketAddr,
    /// Whether `listen` was given, so that failing to bind it is fatal.
    listen_given: bool,
    secret: Option<String>,
    loopback_is_newest: bool,
}

fn parse_credential(text: &str) -> Result<Credential, String> {
    let mut fields = text.splitn(4, ':');
    let access_key = fields.next().filter(|s| !s.is_empty());
    let secret = fields.next().filter(|s| !s.is_empty());
    let (Some(access_key), Some(secret)) = (access_key, secret) else {
        return Err(format!(
            "--credential {text:?}: expected ACCESS:SECRET[:PROJECT[:ROLES]]"
        ));
    };
    let project = fields
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_PROJECT);
    let roles: Vec<&str> = match fields.next() {
        Some(roles) if !roles.is_empty() => roles.split(',').collect(),
        _ => vec!["member"],
    };
    Ok(Credential::new(access_key, secret, access_key, project).with_roles(roles))
}

fn set_quota(quotas: &mut Quotas, text: &str) -> Result<(), String> {
    let (name, number) = text
        .split_once('=')
        .ok_or_else(|| format!("--quota {text:?}: expected NAME=N"))?;
    let number: usize = number
        .parse()
        .map_err(|_| format!("--quota {text:?}: {number:?} is not a number"))?;
    let quota = match name {
        "instances" => &mut quotas.instances,
        "security-groups" => &mut quotas.security_groups,
        "rules-per-group" => &mut quotas.rules_per_group,
        "addresses" => &mut quotas.addresses,
        "key-pairs" => &mut quotas.key_pairs,
        "volumes" => &mut quotas.volumes,
        "snapshots" => &mut quotas.snapshots,
        other => return Err(format!("--quota {text:?}: no quota is called {other:?}")),
    };
    *quota = number;
    Ok(())
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        ec2_listen: "127.0.0.1:8773".parse().unwrap(),
        region: "us-east-1".to_owned(),
        account_id: "123456789012".to_owned(),
        credentials: Vec::new(),
        auth_none: false,
        allow_unknown_images: false,
        quotas: Quotas {
            instances: 1000,
            ..Quotas::default()
        },
        lockout_memcached: None,
        reset_api: false,
        metadata: MetadataOptions {
            listen: "127.0.0.1:8775".parse().unwrap(),
            listen_given: false,
            secret: None,
            loopback_is_newest: false,
        },
        debug: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--ec2-listen" => {
                let text = value("--ec2-listen")?;
                options.ec2_listen = text
                    .parse()
                    .map_err(|_| format!("--ec2-listen {text:?}: not an address"))?;
            }
            "--region" => options.region = value("--region")?,
            "--account-id" => {
                let id = value("--account-id")?;
                if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("--account-id {id:?}: expected 12 digits"));
                }
                options.account_id = id;
            }
            "--credential" => options
                .credentials
                .push(parse_credential(&value("--credential")?)?),
            "--auth" => match value("--auth")?.as_str() {
                "signature" => options.auth_none = false,
                "none" => options.auth_none = true,
                other => return Err(format!("--auth {other:?}: expected signature or none")),
            },
            "--allow-unknown-images" => options.allow_unknown_images = true,
            "--instance-limit" => {
                let text = value("--instance-limit")?;
                options.quotas.instances = text
                    .parse()
                    .map_err(|_| format!("--instance-limit {text:?}: not a number"))?;
            }
            "--quota" => set_quota(&mut options.quotas, &value("--quota")?)?,
            "--lockout-memcached" => {
                let address = value("--lockout-memcached")?;
                if cfg!(not(feature = "memcached")) {
                    return Err("--lockout-memcached needs the `memcached` feature: \
                                cargo run --release --features memcached --example cloud_server"
                        .to_owned());
                }
                options.lockout_memcached = Some(address);
            }
            "--reset-api" => options.reset_api = true,
            "--metadata-listen" => {
                let text = value("--metadata-listen")?;
                options.metadata.listen = text
                    .parse()
                    .map_err(|_| format!("--metadata-listen {text:?}: not an address"))?;
                options.metadata.listen_given = true;
            }
            "--metadata-secret" => options.metadata.secret = Some(value("--metadata-secret")?),
            "--metadata-caller" => match value("--metadata-caller")?.as_str() {
                "newest" => options.metadata.loopback_is_newest = true,
                other => return Err(format!("--metadata-caller {other:?}: expected newest")),
            },
            "--debug" => options.debug = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("cloud_server: {message}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                let level = if options.debug { "debug" } else { "warn" };
                tracing_subscriber::EnvFilter::new(level)
            }),
        )
        .with_writer(std::io::stderr)
        .init();

    let fake = FakeCloud::builder()
        .default_region(&options.region)
        .default_account_id(&options.account_id)
        .allow_unknown_images(options.allow_unknown_images)
        .quotas(options.quotas)
        .build();
    let mut regions = vec![options.region.clone()];
    regions.extend(
        fake.regions()
            .iter()
            .filter(|name| **name != options.region)
            .cloned(),
    );
    if !fake.regions().contains(&options.region) {
        eprintln!(
            "cloud_server: --region {:?} is not a region the fake serves",
            options.region
        );
        return ExitCode::from(2);
    }

    let defaulted = options.credentials.is_empty();
    let mut credentials = StaticCredentials::new();
    if defaulted {
        credentials.insert(Credential::new(
            DEFAULT_ACCESS_KEY,
            DEFAULT_SECRET,
            DEFAULT_ACCESS_KEY,
            DEFAULT_PROJECT,
        ));
    }
    for credential in &options.credentials {
        credentials.insert(credential.clone());
    }
    let authentication = if options.auth_none {
        Authentication::None
    } else {
        Authentication::Signature(Arc::new(credentials))
    };
    let builder = Ec2Api::builder(Arc::new(fake.clone()))
        .authentication(authentication)
        .regions(regions.clone())
        .debug(options.debug);
    #[cfg(feature = "memcached")]
    let builder = match &options.lockout_memcached {
        Some(address) => {
            use cumulo::ec2::lockout::{LockoutPolicy, MemcachedLockoutStore};
            let store = Arc::new(MemcachedLockoutStore::new(address.clone()));
            builder.lockout(store, LockoutPolicy::default())
        }
        None => builder,
    };
    let ec2 = builder.build();
    let mut urlmap = UrlMap::new()
        .mount("/", ec2.clone())
        .mount("/services/Cloud", ec2);
    if options.reset_api {
        urlmap = urlmap.mount(RESET_PATH, reset_api(fake.clone()));
    }
    let app: Arc<dyn Application> = Arc::new(urlmap);

    let listener = match tokio::net::TcpListener::bind(options.ec2_listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "cloud_server: cannot listen on {}: {error}",
                options.ec2_listen
            );
            return ExitCode::from(1);
        }
    };
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");

    println!("cumulo cloud_server: an in-memory cloud");
    println!("EC2 API: http://{address}/");
    println!("  also at http://{address}/services/Cloud/");
    println!(
        "  default region {}; {} regions served",
        options.region,
        regions.len()
    );
    if let Some(address) = &options.lockout_memcached {
        println!("  lockout counts kept in memcached at {address}");
    }
    if options.reset_api {
        println!("  POST http://{address}{RESET_PATH} forgets every resource");
    }
    if options.auth_none {
        println!("  authentication: none (the access key is read as user:project)");
    } else if defaulted {
        println!(
            "  credential: access key {DEFAULT_ACCESS_KEY}, secret {DEFAULT_SECRET} \
             (project {DEFAULT_PROJECT})"
        );
        println!(
            "  try: AWS_ACCESS_KEY_ID={DEFAULT_ACCESS_KEY} AWS_SECRET_ACCESS_KEY={DEFAULT_SECRET} \
             aws ec2 describe-images --endpoint-url http://{address} --region {}",
            options.region
        );
    } else {
        for credential in &options.credentials {
            println!(
                "  credential: access key {} (project {}, roles {})",
                credential.access_key,
                credential.project_id,
                credential.roles.join(",")
            );
        }
    }
    if let Err(message) = serve_metadata(&options.metadata, &fake).await {
        eprintln!("cloud_server: {message}");
        return ExitCode::from(1);
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();

    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match Server::new(app)
        .serve_with_shutdown(listener, shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cloud_server: {error}");
            ExitCode::from(1)
        }
    }
}

/// Serves the metadata service of `fake` from a task and says where; an error only when
/// the listener was asked for and cannot be had.
async fn serve_metadata(options: &MetadataOptions, fake: &FakeCloud) -> Result<(), String> {
    let listener = match tokio::net::TcpListener::bind(options.listen).await {
        Ok(listener) => listener,
        Err(error) if !options.listen_given => {
            eprintln!(
                "cloud_server: warning: metadata not served: cannot listen on {}: {error}",
                options.listen
            );
            return Ok(());
        }
        Err(error) => return Err(format!("cannot listen on {}: {error}", options.listen)),
    };
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    let provider: Arc<dyn MetadataProvider> = if options.loopback_is_newest {
        Arc::new(LoopbackAsNewest::new(fake.clone(), DEFAULT_PROJECT))
    } else {
        Arc::new(fake.clone())
    };
    let mut service = MetadataService::builder(provider);
    if options.loopback_is_newest {
        // The newest instance changes with every launch: a cached answer would be stale.
        service = service.cache_ttl(std::time::Duration::ZERO);
    }
    if let Some(secret) = &options.secret {
        service = service.shared_secret(secret.as_bytes());
    }
    let server = Server::new(Arc::new(service.build()));
    tokio::spawn(async move {
        if let Err(error) = server.serve(listener).await {
            eprintln!("cloud_server: metadata service stopped: {error}");
        }
    });

    println!("Metadata: http://{address}/");
    if options.loopback_is_newest {
        println!("  a loopback caller is the newest running instance of project {DEFAULT_PROJECT}");
        println!("  try: curl http://{address}/latest/meta-data/instance-id");
    }
    if options.secret.is_some() {
        println!("  signed X-Instance-ID requests accepted (--metadata-secret)");
    }
    Ok(())
}

/// Where `--reset-api` answers.
const RESET_PATH: &str = "/moto-api/reset";

/// `POST /moto-api/reset`: forgets every resource of every project, as moto's own server
/// does between the tests of a suite; any other method is refused.
fn reset_api(fake: FakeCloud) -> Arc<dyn Application> {
    Arc::new(from_fn(move |request: Request| {
        let fake = fake.clone();
        async move {
            let mut response = if request.method() == http::Method::POST {
                fake.reset();
                Response::new(Body::from("{}"))
            } else {
                let mut refused = Response::new(Body::from("{}"));
                *refused.status_mut() = http::StatusCode::METHOD_NOT_ALLOWED;
                refused
            };
            response.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
            Ok(response)
        }
    }))
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
