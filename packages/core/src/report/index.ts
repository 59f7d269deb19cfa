export * from './daily-counts-report';
export * from './format-report';
export * from './format-vietnamese';
export * from './percent';
export * from './read-daily-counts-report';
