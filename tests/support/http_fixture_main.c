/*
 * http_fixture_main.c: the fixture server as a program, for shell tests:
 *
 *     http_fixture_server ROOT [SECONDS]
 *
 * prints the port it listens on (127.0.0.1) as one line, then serves ROOT until SIGTERM or
 * SIGINT, or until SECONDS (default 120) have passed, so a test that dies cannot leave it
 * running for long.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "http_fixture_server.h"

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: http_fixture_server ROOT [SECONDS]\n");
		return 2;
	}
	long seconds = 120;
	if (argc == 3) {
		char *end;
		seconds = strtol(argv[2], &end, 10);
		if (*end || seconds <= 0 || seconds > 3600) {
			fprintf(stderr, "http_fixture_server: SECONDS must be 1..3600\n");
			return 2;
		}
	}
	/* Block the stop signals before any thread starts, then wait for them with a deadline. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);

	fixture_server *s;
	if (fixture_server_start(&s, argv[1]) != 0)
		return 1;
	printf("%u\n", fixture_server_port(s));
	fflush(stdout);
	struct timespec deadline = {seconds, 0};
	sigtimedwait(&stop, NULL, &deadline);
	fixture_server_stop(s);
	return 0;
}
