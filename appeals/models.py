"""The employee's confirmation (结果确认) of an approved result, or their appeal (申诉)."""
