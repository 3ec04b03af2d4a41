//! The standard EC2 chain end to end, in process: signatures, errors, policy, lockout,
//! DryRun and the XML envelope, over a controller that implements one action.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use async_trait::async_trait;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use cumulo::core::{Application, Body, ManualClock, Request, Response};
use cumulo::ec2::auth::signer::sign_v4;
use cumulo::ec2::auth::{Credential, StaticCredentials};
use cumulo::ec2::authorizer::{RolePolicy, Rule};
use cumulo::ec2::model::{DescribeRegionsInput, DescribeRegionsOutput};
use cumulo::ec2::{Action, Authentication, CloudController, Ec2Api, Ec2Call, Ec2Error};
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-03-01 12:00:00 UTC);
const ACCESS_KEY: &str = "AKIDCHAIN";
const SECRET: &str = "chain-secret";

/// Answers DescribeRegions and remembers who asked, from which region.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<(String, String)>>,
}

#[async_trait]
impl CloudController for Recorder {
    async fn describe_regions(
        &self,
        call: Ec2Call<DescribeRegionsInput>,
    ) -> Result<DescribeRegionsOutput, Ec2Error> {
        let entry = (call.project_id().to_owned(), call.region().to_owned());
        self.calls.lock().unwrap().push(entry);
        Ok(DescribeRegionsOutput::default())
    }
}

struct Fixture {
    app: Arc<dyn Application>,
    clock: Arc<ManualClock>,
    recorder: Arc<Recorder>,
}

fn fixture_with(policy: RolePolicy, roles: &[&str]) -> Fixture {
    let clock = Arc::new(ManualClock::new(NOW));
    let recorder = Arc::new(Recorder::default());
    let credentials = StaticCredentials::new()
        .with(Credential::new(ACCESS_KEY, SECRET, "alice", "project-a").with_roles(roles.to_vec()))
        .with(
            Credential::new("AKIDSESSION", "session-secret", "bob", "project-b")
                .with_session_token("the-token"),
        );
    let app = Ec2Api::builder(recorder.clone())
        .signature(Arc::new(credentials))
        .regions(["us-east-1", "eu-west-1"])
        .clock(clock.clone())
        .policy(Arc::new(policy))
        .build();
    Fixture {
        app,
        clock,
        recorder,
    }
}

fn fixture() -> Fixture {
    fixture_with(RolePolicy::nova(), &["member"])
}

fn form(body: &str) -> Request {
    http::Request::builder()
        .method("POST")
        .uri("/")
        .header("host", "ec2.test:8773")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn signed(body: &str, region: &str) -> Request {
    let mut request = form(body);
    sign_v4(
        &mut request,
        ACCESS_KEY,
        SECRET.as_bytes(),
        region,
        "ec2",
        NOW,
    );
    request
}

struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn code(&self) -> &str {
        let start = self.body.find("<Code>").map(|i| i + 6).unwrap_or(0);
        let end = self.body.find("</Code>").unwrap_or(0);
        &self.body[start..end]
    }
}

async fn send(fixture: &Fixture, request: Request) -> Answer {
    let response: Response = fixture
        .app
        .call(request)
        .await
        .expect("the fault wrapper answers");
    Answer {
        status: response.status().as_u16(),
        body: String::from_utf8(response.body().as_bytes().to_vec()).unwrap(),
    }
}

const DESCRIBE_REGIONS: &str = "Action=DescribeRegions&Version=2016-11-15";

#[tokio::test]
async fn a_signed_request_reaches_the_controller_in_the_scope_region() {
    let fixture = fixture();
    let answer = send(&fixture, signed(DESCRIBE_REGIONS, "eu-west-1")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body.contains(
        "<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>"
    ));
    assert_eq!(
        *fixture.recorder.calls.lock().unwrap(),
        [("project-a".to_owned(), "eu-west-1".to_owned())]
    );
}

#[tokio::test]
async fn a_request_signed_by_the_aws_sdk_signer_verifies() {
    let fixture = fixture();
    let identity = Credentials::new(ACCESS_KEY, SECRET, None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("ec2")
        .time(SystemTime::from(NOW))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let signable = SignableRequest::new(
        "POST",
        "http://ec2.test:8773/",
        [("content-type", content_type)].into_iter(),
        SignableBody::Bytes(DESCRIBE_REGIONS.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = form(DESCRIBE_REGIONS);
    instructions.apply_to_request_http1x(&mut request);
    let answer = send(&fixture, request).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn signature_failures_are_auth_failure_401_with_one_message() {
    let fixture = fixture();
    let mut wrong_secret = form(DESCRIBE_REGIONS);
    sign_v4(
        &mut wrong_secret,
        ACCESS_KEY,
        b"not-the-secret",
        "us-east-1",
        "ec2",
        NOW,
    );
    let mut wrong_service = form(DESCRIBE_REGIONS);
    sign_v4(
        &mut wrong_service,
        ACCESS_KEY,
        SECRET.as_bytes(),
        "us-east-1",
        "s3",
        NOW,
    );
    let unserved_region = signed(DESCRIBE_REGIONS, "ap-south-1");
    let mut unknown_key = form(DESCRIBE_REGIONS);
    sign_v4(
        &mut unknown_key,
        "AKIDNOBODY",
        SECRET.as_bytes(),
        "us-east-1",
        "ec2",
        NOW,
    );
    let unsigned = form(DESCRIBE_REGIONS);

    let mut messages = Vec::new();
    for request in [wrong_secret, wrong_service, unserved_region, unknown_key] {
        let answer = send(&fixture, request).await;
        assert_eq!(
            (answer.status, answer.code()),
            (401, "AuthFailure"),
            "{}",
            answer.body
        );
        let start = answer.body.find("<Message>").unwrap();
        let end = answer.body.find("</Message>").unwrap();
        messages.push(answer.body[start..end].to_owned());
    }
    messages.dedup();
    assert_eq!(
        messages,
        ["<Message>AWS was not able to validate the provided access credentials"]
    );
    let answer = send(&fixture, unsigned).await;
    assert_eq!((answer.status, answer.code()), (401, "AuthFailure"));
    assert!(fixture.recorder.calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_date_outside_the_skew_is_request_expired() {
    let fixture = fixture();
    let request = signed(DESCRIBE_REGIONS, "us-east-1");
    fixture.clock.advance(time::Duration::minutes(16));
    let answer = send(&fixture, request).await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, "RequestExpired"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_changed_body_byte_is_refused() {
    let fixture = fixture();
    let mut request = signed(DESCRIBE_REGIONS, "us-east-1");
    *request.body_mut() = Body::from("Action=DescribeRegions&Version=2016-11-16");
    let answer = send(&fixture, request).await;
    assert_eq!((answer.status, answer.code()), (401, "AuthFailure"));
}

#[tokio::test]
async fn session_credentials_need_their_token() {
    let fixture = fixture();
    let mut without = form(DESCRIBE_REGIONS);
    sign_v4(
        &mut without,
        "AKIDSESSION",
        b"session-secret",
        "us-east-1",
        "ec2",
        NOW,
    );
    assert_eq!(send(&fixture, without).await.code(), "AuthFailure");

    let mut with = form(DESCRIBE_REGIONS);
    with.headers_mut()
        .insert("x-amz-security-token", "the-token".parse().unwrap());
    sign_v4(
        &mut with,
        "AKIDSESSION",
        b"session-secret",
        "us-east-1",
        "ec2",
        NOW,
    );
    let answer = send(&fixture, with).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn unknown_actions_and_malformed_ids_get_their_codes() {
    let fixture = fixture();
    let unknown = send(
        &fixture,
        signed("Action=FooBar&Version=2016-11-15", "us-east-1"),
    )
    .await;
    assert_eq!((unknown.status, unknown.code()), (400, "InvalidAction"));
    assert!(unknown.body.contains("<RequestID>"));
    let malformed = send(
        &fixture,
        signed(
            "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=bogus",
            "us-east-1",
        ),
    )
    .await;
    assert_eq!(
        (malformed.status, malformed.code()),
        (400, "InvalidInstanceID.Malformed")
    );
    let unsupported = send(
        &fixture,
        signed(
            "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-deadbeef",
            "us-east-1",
        ),
    )
    .await;
    assert_eq!(
        (unsupported.status, unsupported.code()),
        (400, "UnsupportedOperation")
    );
}

#[tokio::test]
async fn policy_refusals_are_403_and_dry_run_reports_412_or_403() {
    let policy =
        RolePolicy::nova_strict().set(Action::DescribeRegions, Rule::Roles(vec!["auditor".into()]));
    let fixture = fixture_with(policy, &["reader"]);
    let refused = send(&fixture, signed(DESCRIBE_REGIONS, "us-east-1")).await;
    assert_eq!(
        (refused.status, refused.code()),
        (403, "UnauthorizedOperation")
    );
    let dry_refused = send(
        &fixture,
        signed(
            "Action=DescribeRegions&Version=2016-11-15&DryRun=true",
            "us-east-1",
        ),
    )
    .await;
    assert_eq!(
        (dry_refused.status, dry_refused.code()),
        (403, "UnauthorizedOperation")
    );

    let allowed = fixture_with(RolePolicy::nova(), &["member"]);
    let dry_run = send(
        &allowed,
        signed(
            "Action=DescribeRegions&Version=2016-11-15&DryRun=true",
            "us-east-1",
        ),
    )
    .await;
    assert_eq!((dry_run.status, dry_run.code()), (412, "DryRunOperation"));
    assert!(allowed.recorder.calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn five_bad_signatures_lock_the_key_even_for_good_ones() {
    let fixture = fixture();
    for _ in 0..5 {
        let mut bad = form(DESCRIBE_REGIONS);
        sign_v4(&mut bad, ACCESS_KEY, b"guess", "us-east-1", "ec2", NOW);
        assert_eq!(send(&fixture, bad).await.code(), "AuthFailure");
    }
    let locked = send(&fixture, signed(DESCRIBE_REGIONS, "us-east-1")).await;
    assert_eq!((locked.status, locked.code()), (401, "AuthFailure"));
    assert!(
        locked.body.contains("temporarily locked"),
        "{}",
        locked.body
    );
    fixture.clock.advance(time::Duration::minutes(15));
    let mut fresh = form(DESCRIBE_REGIONS);
    sign_v4(
        &mut fresh,
        ACCESS_KEY,
        SECRET.as_bytes(),
        "us-east-1",
        "ec2",
        fixture.clock_now(),
    );
    assert_eq!(send(&fixture, fresh).await.status, 200);
}

impl Fixture {
    fn clock_now(&self) -> OffsetDateTime {
        use cumulo::core::Clock;
        self.clock.now()
    }
}

#[tokio::test]
async fn no_auth_reads_the_access_key_as_user_and_project() {
    let recorder = Arc::new(Recorder::default());
    let app = Ec2Api::builder(recorder.clone())
        .authentication(Authentication::None)
        .regions(["us-west-2"])
        .build();
    let request = form(&format!(
        "{DESCRIBE_REGIONS}&AWSAccessKeyId=carol%3Aproject-c"
    ));
    let response = app.call(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        *recorder.calls.lock().unwrap(),
        [("project-c".to_owned(), "us-west-2".to_owned())]
    );
}

#[tokio::test]
async fn only_get_and_post_run_actions() {
    let fixture = fixture();
    let mut request = form(DESCRIBE_REGIONS);
    *request.method_mut() = http::Method::PUT;
    sign_v4(
        &mut request,
        ACCESS_KEY,
        SECRET.as_bytes(),
        "us-east-1",
        "ec2",
        NOW,
    );
    let answer = send(&fixture, request).await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, "InvalidRequest"),
        "{}",
        answer.body
    );
    assert!(
        answer
            .body
            .contains("The HTTP method PUT is not supported.")
    );
    assert!(fixture.recorder.calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn absurdly_nested_parameters_are_refused_not_recursed_into() {
    let fixture = fixture();
    let deep = vec!["A.1"; 8000].join(".");
    let body = format!("{DESCRIBE_REGIONS}&{deep}=x");
    let answer = send(&fixture, signed(&body, "us-east-1")).await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, "UnknownParameter"),
        "{}",
        &answer.body[..200]
    );
}

#[tokio::test]
async fn values_that_xml_cannot_carry_are_refused() {
    let fixture = fixture();
    let body = format!("{DESCRIBE_REGIONS}&RegionName.1=us-east-1%EF%BF%BF");
    let answer = send(&fixture, signed(&body, "us-east-1")).await;
    assert_eq!(
        (answer.status, answer.code()),
        (400, "InvalidParameterValue"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_parameter_the_action_lacks_is_refused_before_the_controller_runs() {
    let fixture = fixture();
    for (key, shown) in [
        ("RegionNXame.1", "RegionNXame.1"),
        ("RegionName.-1", "RegionName.-1"),
        ("RegionName.abc", "RegionName.abc"),
        ("RegionName.%2B1", "RegionName.+1"),
        ("Region%C3%A9Name.1", "Region\u{e9}Name.1"),
        ("Region%FFName.1", "Region\u{fffd}Name.1"),
        ("Filter.1.Name=x&Filter.1.Nmae", "Filter.1.Nmae"),
    ] {
        let body = format!("{DESCRIBE_REGIONS}&{key}=us-east-1");
        let answer = send(&fixture, signed(&body, "us-east-1")).await;
        assert_eq!(
            (answer.status, answer.code()),
            (400, "UnknownParameter"),
            "{key}: {}",
            answer.body
        );
        let message = format!("<Message>The parameter {shown} is not recognized</Message>");
        assert!(answer.body.contains(&message), "{key}: {}", answer.body);
    }
    assert!(fixture.recorder.calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_parameters_every_request_may_carry_are_not_unknown() {
    let fixture = fixture();
    let body = format!("{DESCRIBE_REGIONS}&RegionName.1=us-east-1&DryRun=false");
    let answer = send(&fixture, signed(&body, "us-east-1")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    let dry_run = format!("{DESCRIBE_REGIONS}&DryRun=true");
    let answer = send(&fixture, signed(&dry_run, "us-east-1")).await;
    assert_eq!((answer.status, answer.code()), (412, "DryRunOperation"));
    assert_eq!(fixture.recorder.calls.lock().unwrap().len(), 1);
}
