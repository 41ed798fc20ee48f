"""Privacy jobs: the tracker store forgets conversations after the retention time."""

from bot.privacy.purge import PurgeResult, purge_trackers, tracker_database_url

__all__ = ["PurgeResult", "purge_trackers", "tracker_database_url"]
