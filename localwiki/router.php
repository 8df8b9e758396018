<?php
// Router for PHP's built-in server (php -S ... router.php): logs every request, then lets the
// built-in server serve it as usual (return false). One JSON line per request, written when the
// request ends, so the status code is known. POST bodies matter: API writes are POSTs, and their
// action is only in the body.
$wikitoursLog = getenv( 'WIKITOURS_REQUEST_LOG' );
if ( $wikitoursLog ) {
	$wikitoursEntry = [
		'method' => $_SERVER['REQUEST_METHOD'] ?? '',
		'uri' => $_SERVER['REQUEST_URI'] ?? '',
		'action' => (string)( $_POST['action'] ?? $_GET['action'] ?? '' ),
		'title' => (string)( $_POST['title'] ?? '' ),
		'prop' => (string)( $_POST['prop'] ?? $_GET['prop'] ?? '' ),
		'time' => microtime( true ),
	];
	register_shutdown_function( static function () use ( $wikitoursLog, $wikitoursEntry ) {
		$wikitoursEntry['status'] = http_response_code();
		file_put_contents(
			$wikitoursLog,
			json_encode( $wikitoursEntry, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) . "\n",
			FILE_APPEND | LOCK_EX
		);
	} );
}
return false;
