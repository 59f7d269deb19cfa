export * from './local-day';
export * from './timeliness';
export * from './working-days';
