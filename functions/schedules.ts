// EventBridge (every minute) → the schedule tick: starts the runs CronWorkflow pipelines' schedules make due.
// The logic is in lib/runs/schedules.
import { scheduleServiceFromConfig } from "../lib/api/wiring";
import { createScheduleTickHandler } from "../lib/runs/schedules/handler";
import { fromConfig } from "./init";

export const handler = createScheduleTickHandler(fromConfig(scheduleServiceFromConfig));
