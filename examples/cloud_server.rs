//! An in-memory cloud: the EC2 Query API, the OpenStack Compute API, a minimal Identity
//! v3, a read-only image endpoint and the instance metadata service, all over one
//! `cumulo::fake::FakeCloud`.
//!
//! ```text
//! cargo run --release --example cloud_server -- --metadata-caller newest
//! AWS_ACCESS_KEY_ID=cumulo AWS_SECRET_ACCESS_KEY=cumulo-secret \
//!     aws ec2 describe-images --endpoint-url http://127.0.0.1:8773 --region us-east-1
//! OS_AUTH_URL=http://127.0.0.1:5000/v3 OS_USERNAME=demo OS_PASSWORD=demo \
//!     OS_PROJECT_NAME=default OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
//!     openstack server list
//! curl http://127.0.0.1:8775/latest/meta-data/instance-id
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use async_trait::async_trait;
use cumulo::core::{Application, Body, Context, HostPattern, Request, Response, UrlMap, from_fn};
use cumulo::ec2::auth::{Credential, StaticCredentials};
use cumulo::ec2::{Authentication, Ec2Api};
use cumulo::fake::{Catalog, FakeCloud, Identity, IdentityUser, LoopbackAsNewest, Quotas};
use cumulo::metadata::{MetadataProvider, MetadataService};
use cumulo::openstack::{ComputeApi, ComputeAuth, Fault, ImageAuth, ImageService, TokenValidator};
use cumulo::server::Server;
use tokio::net::TcpListener;

const DEFAULT_ACCESS_KEY: &str = "cumulo";
const DEFAULT_SECRET: &str = "cumulo-secret";
const DEFAULT_PROJECT: &str = "default";
const DEFAULT_USER: &str = "demo";
const DEFAULT_PASSWORD: &str = "demo";
/// The region the identity catalog names (OpenStack's, not EC2's).
const CATALOG_REGION: &str = "RegionOne";

const USAGE: &str = "\
cloud_server: an in-memory cloud that speaks the EC2 Query API and the OpenStack Compute
API (with a minimal Identity v3 and a read-only image endpoint) and serves instance metadata

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
    --compute-listen ADDR     where the OpenStack Compute API listens (default
                              127.0.0.1:8774)
    --identity-listen ADDR    where Identity v3 listens (default 127.0.0.1:5000)
    --image-listen ADDR       where the read-only image endpoint listens (default
                              127.0.0.1:9292); when one of these three defaults is taken,
                              the server warns and goes on without that service
    --user NAME:PASSWORD:PROJECT[:ROLE,ROLE]
                              an Identity user (repeatable; roles member and reader unless
                              given). Without any, user demo with password demo, in
                              project `default` (the default EC2 credential's project)
    --compute-noauth          Compute and images also take any other token as NoAuth's
                              `user:project` (for openstacksdk's auth_type none and
                              admin_token), and /v1.0 and /v1.1 answer the legacy
                              handshake; Identity's tokens still work
    --single-port ADDR        serve EC2, Compute, Identity and images on ADDR alone, told
                              apart by Host (ec2.*, compute.*, identity.*, image.*) or by
                              path (/services/Cloud, /compute, /identity, /image); EC2 also
                              answers any other path. Metadata keeps its own port.
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
    openstack: OpenStackOptions,
    debug: bool,
}

/// An address to listen on, and whether it was given (so that failing to bind it is
/// fatal) or is a default (so that the server goes on without the service).
#[derive(Clone, Copy)]
struct Listen {
    address: SocketAddr,
    given: bool,
}

impl Listen {
    fn default_at(address: &str) -> Listen {
        Listen {
            address: address.parse().expect("a valid default address"),
            given: false,
        }
    }

    fn parse(flag: &str, text: &str) -> Result<Listen, String> {
        let address = text
            .parse()
            .map_err(|_| format!("{flag} {text:?}: not an address"))?;
        Ok(Listen {
            address,
            given: true,
        })
    }
}

/// How the OpenStack side is served.
struct OpenStackOptions {
    compute: Listen,
    identity: Listen,
    image: Listen,
    users: Vec<IdentityUser>,
    noauth: bool,
    single_port: Option<SocketAddr>,
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

fn parse_user(text: &str) -> Result<IdentityUser, String> {
    let mut fields = text.splitn(4, ':');
    let mut field = || fields.next().filter(|s| !s.is_empty());
    let (Some(name), Some(password), Some(project)) = (field(), field(), field()) else {
        return Err(format!(
            "--user {text:?}: expected NAME:PASSWORD:PROJECT[:ROLE,ROLE]"
        ));
    };
    let user = IdentityUser::new(name, password, project);
    Ok(match field() {
        Some(roles) => user.roles(roles.split(',')),
        None => user,
    })
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
        openstack: OpenStackOptions {
            compute: Listen::default_at("127.0.0.1:8774"),
            identity: Listen::default_at("127.0.0.1:5000"),
            image: Listen::default_at("127.0.0.1:9292"),
            users: Vec::new(),
            noauth: false,
            single_port: None,
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
            "--compute-listen" => {
                options.openstack.compute =
                    Listen::parse("--compute-listen", &value("--compute-listen")?)?;
            }
            "--identity-listen" => {
                options.openstack.identity =
                    Listen::parse("--identity-listen", &value("--identity-listen")?)?;
            }
            "--image-listen" => {
                options.openstack.image =
                    Listen::parse("--image-listen", &value("--image-listen")?)?;
            }
            "--user" => options.openstack.users.push(parse_user(&value("--user")?)?),
            "--compute-noauth" => options.openstack.noauth = true,
            "--single-port" => {
                let listen = Listen::parse("--single-port", &value("--single-port")?)?;
                options.openstack.single_port = Some(listen.address);
            }
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

    // Every listener is bound before the OpenStack services are built: the identity
    // catalog names their addresses.
    let single_port = options.openstack.single_port;
    let main_address = single_port.unwrap_or(options.ec2_listen);
    let listener = match TcpListener::bind(main_address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cloud_server: cannot listen on {main_address}: {error}");
            return ExitCode::from(1);
        }
    };
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    let mut openstack_listeners = Vec::new();
    if single_port.is_none() {
        for (name, listen) in [
            ("Compute", options.openstack.compute),
            ("Identity", options.openstack.identity),
            ("image", options.openstack.image),
        ] {
            match bind(name, listen).await {
                Ok(listener) => openstack_listeners.push(listener),
                Err(message) => {
                    eprintln!("cloud_server: {message}");
                    return ExitCode::from(1);
                }
            }
        }
    }
    let urls = match single_port {
        Some(_) => ServiceUrls::under(address),
        None => ServiceUrls::of(&openstack_listeners, &options.openstack),
    };
    let services = openstack_services(&options, &fake, &urls);

    let mut urlmap = UrlMap::new()
        .mount("/", ec2.clone())
        .mount("/services/Cloud", ec2.clone());
    if single_port.is_some() {
        for (label, prefix, app) in [
            ("ec2", None, &ec2),
            ("compute", Some("/compute"), &services.compute),
            ("identity", Some("/identity"), &services.identity),
            ("image", Some("/image"), &services.image),
        ] {
            urlmap = urlmap.mount_host(HostPattern::Subdomain(label.into()), "/", app.clone());
            if let Some(prefix) = prefix {
                urlmap = urlmap.mount(prefix, app.clone());
            }
        }
    }
    if options.reset_api {
        urlmap = urlmap.mount(RESET_PATH, reset_api(fake.clone()));
    }
    let app: Arc<dyn Application> = Arc::new(urlmap);

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
    serve_openstack(
        &options.openstack,
        services,
        openstack_listeners,
        address,
        &urls,
    );
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

/// Binds `listen` for the service `name`: a default address that is taken gives `None`
/// after a warning, a given one an error.
async fn bind(name: &str, listen: Listen) -> Result<Option<TcpListener>, String> {
    match TcpListener::bind(listen.address).await {
        Ok(listener) => Ok(Some(listener)),
        Err(error) if !listen.given => {
            eprintln!(
                "cloud_server: warning: {name} not served: cannot listen on {}: {error}",
                listen.address
            );
            Ok(None)
        }
        Err(error) => Err(format!("cannot listen on {}: {error}", listen.address)),
    }
}

/// The public URLs of the OpenStack services, without a trailing slash, as the
/// identity catalog lists them.
struct ServiceUrls {
    compute: String,
    identity: String,
    image: String,
}

impl ServiceUrls {
    /// Each service on its own listener (its configured address when it has none).
    fn of(listeners: &[Option<TcpListener>], options: &OpenStackOptions) -> ServiceUrls {
        let url = |index: usize, listen: Listen| {
            let address = listeners[index]
                .as_ref()
                .and_then(|listener| listener.local_addr().ok())
                .unwrap_or(listen.address);
            format!("http://{address}")
        };
        ServiceUrls {
            compute: url(0, options.compute),
            identity: url(1, options.identity),
            image: url(2, options.image),
        }
    }

    /// Every service under its path on one port.
    fn under(address: SocketAddr) -> ServiceUrls {
        ServiceUrls {
            compute: format!("http://{address}/compute"),
            identity: format!("http://{address}/identity"),
            image: format!("http://{address}/image"),
        }
    }
}

/// The OpenStack applications over the fake.
struct OpenStackServices {
    compute: Arc<dyn Application>,
    identity: Arc<dyn Application>,
    image: Arc<dyn Application>,
    users: Vec<IdentityUser>,
}

/// Identity's tokens, then NoAuth's `user:project` for any other token.
struct IdentityOrNoAuth(Identity);

#[async_trait]
impl TokenValidator for IdentityOrNoAuth {
    async fn validate(&self, token: &str) -> Result<Option<Context>, Fault> {
        if let Some(context) = self.0.validate(token).await? {
            return Ok(Some(context));
        }
        let (user, project) = token.split_once(':').unwrap_or((token, token));
        let project = if project.is_empty() { user } else { project };
        Ok(Some(Context {
            user_id: user.to_owned(),
            project_id: project.to_owned(),
            roles: vec!["member".to_owned()],
            ..Context::default()
        }))
    }
}

/// Compute, Identity and images over `fake`, with Identity's catalog naming `urls`.
fn openstack_services(
    options: &Options,
    fake: &FakeCloud,
    urls: &ServiceUrls,
) -> OpenStackServices {
    let mut users = options.openstack.users.clone();
    if users.is_empty() {
        users.push(IdentityUser::new(
            DEFAULT_USER,
            DEFAULT_PASSWORD,
            DEFAULT_PROJECT,
        ));
    }
    let catalog = Catalog::new(format!("{}/v3", urls.identity))
        .compute(format!("{}/v2.1", urls.compute))
        .image(urls.image.clone())
        .region(CATALOG_REGION);
    let identity = Identity::builder(catalog).users(users.clone()).build();
    let validator: Arc<dyn TokenValidator> = Arc::new(identity.clone());

    let mut projects: Vec<String> = users.iter().map(|user| user.project.clone()).collect();
    projects.extend(options.credentials.iter().map(|c| c.project_id.clone()));
    projects.push(DEFAULT_PROJECT.to_owned());
    let noauth = options.openstack.noauth;
    let (compute_auth, image_auth) = if noauth {
        let either: Arc<dyn TokenValidator> = Arc::new(IdentityOrNoAuth(identity.clone()));
        (ComputeAuth::NoAuthOr(validator), ImageAuth::Tokens(either))
    } else {
        (
            ComputeAuth::Token(validator.clone()),
            ImageAuth::Tokens(validator),
        )
    };
    let controller = Arc::new(fake.clone());
    let compute = ComputeApi::builder(controller.clone())
        .auth(compute_auth)
        // With NoAuth any name is a project; otherwise the projects of users and
        // credentials are.
        .projects(move |project: &str| noauth || projects.iter().any(|known| known == project))
        .region(&options.region)
        .debug(options.debug)
        .build();
    let image = ImageService::new(controller, image_auth).region(&options.region);
    OpenStackServices {
        compute,
        identity: Arc::new(identity),
        image: Arc::new(image),
        users,
    }
}

/// Serves the OpenStack services on their listeners from tasks (on one port they are
/// already in the main map) and says where.
fn serve_openstack(
    options: &OpenStackOptions,
    services: OpenStackServices,
    listeners: Vec<Option<TcpListener>>,
    main_address: SocketAddr,
    urls: &ServiceUrls,
) {
    let apps = [
        ("Compute API", services.compute),
        ("Identity API", services.identity),
        ("Image API", services.image),
    ];
    if options.single_port.is_some() {
        println!("Single port: http://{main_address}/");
        println!("  EC2 on Host ec2.*, under /services/Cloud/ and on any other path");
        println!("  Compute on Host compute.* and under {}/", urls.compute);
        println!("  Identity on Host identity.* and under {}/", urls.identity);
        println!("  images on Host image.* and under {}/", urls.image);
    } else {
        for ((name, app), listener) in apps.into_iter().zip(listeners) {
            let Some(listener) = listener else { continue };
            let address = listener
                .local_addr()
                .expect("a bound listener has an address");
            let server = Server::new(app);
            tokio::spawn(async move {
                if let Err(error) = server.serve(listener).await {
                    eprintln!("cloud_server: {name} stopped: {error}");
                }
            });
            println!("{name}: http://{address}/");
        }
    }
    for user in &services.users {
        println!(
            "  Identity user {} in project {} (roles {})",
            user.name,
            user.project,
            user.roles.join(",")
        );
    }
    if options.users.is_empty() {
        println!(
            "  try: OS_AUTH_URL={}/v3 OS_USERNAME={DEFAULT_USER} OS_PASSWORD={DEFAULT_PASSWORD} \
             OS_PROJECT_NAME={DEFAULT_PROJECT} OS_USER_DOMAIN_NAME=Default \
             OS_PROJECT_DOMAIN_NAME=Default openstack server list",
            urls.identity
        );
    }
    if options.noauth {
        println!("  Compute and images also take any token as NoAuth's user:project");
    }
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
