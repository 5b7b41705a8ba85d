"""The year's activities: filters and quick actions, recurrence, holidays, the calendar's
events, and the .ics and 活动安排 exports."""
