//! Urgent re-planning and recommendations.
