//! `/servers/{server_id}/backup_schedule` (`/v1.0` only): a server's backup schedule,
//! shown, set (`POST`, 204) and disabled (`DELETE`, 204).

use http::{Method, StatusCode};
use serde_json::{Value, json};

use super::super::fault::Fault;
use super::super::model::{BackupSchedule, DailyBackup, SetBackupSchedule, WeeklyBackup};
use super::super::request::{ApiRequest, ApiResponse, Availability, Route};
use super::super::xml::XmlElement;
use super::input;
use super::{Controller, call, route};

/// The routes of `/servers/{server_id}/backup_schedule`.
pub(super) fn routes(controller: &Controller) -> Vec<Route> {
    let served = Availability::V1_0_ONLY;
    let path = "/servers/{server_id}/backup_schedule";
    vec![
        route(controller, Method::GET, path, served, show),
        route(controller, Method::POST, path, served, set),
        route(controller, Method::DELETE, path, served, delete),
    ]
}

/// `GET`: `{"backupSchedule": {"enabled", "weekly", "daily"}}`, in XML as attributes of
/// `<backupSchedule>`.
async fn show(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let server_id = request.param("server_id")?.to_owned();
    let schedule = controller
        .backup_schedule(call(&request, server_id))
        .await?;
    let weekly = schedule.weekly.as_str();
    let daily = schedule.daily.to_name();
    Ok(ApiResponse::document(
        &request,
        StatusCode::OK,
        || {
            json!({"backupSchedule": {
                "enabled": schedule.enabled,
                "weekly": weekly,
                "daily": daily,
            }})
        },
        || {
            XmlElement::new("backupSchedule")
                .attr("enabled", schedule.enabled.to_string())
                .attr("weekly", weekly)
                .attr("daily", daily.clone())
        },
    ))
}

/// `POST` with `{"backupSchedule": {"enabled": true, "weekly": "THURSDAY", "daily":
/// "H_0400_0600"}}`, all three required: 204.
async fn set(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let server_id = request.param("server_id")?.to_owned();
    let fields = input::body_member(&request, "backupSchedule")?;
    let enabled = input::boolean("enabled", fields.required("enabled")?)?;

    let weekly_value = fields.required("weekly")?;
    let weekly =
        WeeklyBackup::from_name(input::string("weekly", weekly_value)?).ok_or_else(|| {
            let allowed: Vec<&str> = WeeklyBackup::ALL.iter().map(|day| day.as_str()).collect();
            one_of("weekly", weekly_value, &allowed)
        })?;

    let daily_value = fields.required("daily")?;
    let daily = DailyBackup::from_name(input::string("daily", daily_value)?).ok_or_else(|| {
        let windows: Vec<String> = std::iter::once(DailyBackup(None))
            .chain((0..24).step_by(2).map(|start| DailyBackup(Some(start))))
            .map(DailyBackup::to_name)
            .collect();
        let allowed: Vec<&str> = windows.iter().map(String::as_str).collect();
        one_of("daily", daily_value, &allowed)
    })?;

    let change = SetBackupSchedule {
        server_id,
        schedule: BackupSchedule {
            enabled,
            weekly,
            daily,
        },
    };
    controller
        .set_backup_schedule(call(&request, change))
        .await?;
    Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
}

fn one_of(field: &str, value: &Value, allowed: &[&str]) -> Fault {
    let listed: Vec<String> = allowed.iter().map(|name| format!("'{name}'")).collect();
    input::invalid(
        field,
        value,
        &format!(
            "{} is not one of [{}]",
            input::repr(value),
            listed.join(", ")
        ),
    )
}

/// `DELETE`: backups stop; 204.
async fn delete(controller: Controller, request: ApiRequest) -> Result<ApiResponse, Fault> {
    let server_id = request.param("server_id")?.to_owned();
    controller
        .delete_backup_schedule(call(&request, server_id))
        .await?;
    Ok(ApiResponse::empty(StatusCode::NO_CONTENT))
}
