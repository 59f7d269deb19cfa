export * from './day-number';
export * from './local-day';
export * from './timeliness';
export * from './working-days';
export * from './periods';
export * from './public-holidays';
export * from './working-calendar';
export * from './sleep';
