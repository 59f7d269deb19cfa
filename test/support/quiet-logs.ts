// Tests assert on behaviour, not on log lines; keep their output readable unless asked otherwise.
process.env.LOG_LEVEL ??= 'error';
