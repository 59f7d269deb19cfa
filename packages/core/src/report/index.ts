export * from './daily-counts-report';
export * from './format-report';
export * from './format-vietnamese';
export * from './percent';
export * from './read-daily-counts-report';
export * from './format-narrative';
export * from './period-words';
export * from './report-json';
