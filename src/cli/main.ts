// Placeholder entry; the command line is being built.
process.stdout.write('celery-lens\n');
