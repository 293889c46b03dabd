// Tests never depend on the developer's shell: no stray config file or log level.
delete process.env['CONFIG_FILE'];
delete process.env['PORT'];
delete process.env['HOST'];
delete process.env['WORKERS'];
process.env['LOG_LEVEL'] = 'silent';
