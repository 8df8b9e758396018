<?php
/**
 * Simulated newcomers for wikitours' outcome tests and benchmark (run through eval.php by
 * tests/outcomes_sim.py). Real MediaWiki code paths, in one PHP process, at chosen times:
 * accounts with User::createNew plus a newusers/create log entry (no password: nobody logs
 * in as them), edits through PageUpdater as those users. ConvertibleTimestamp's fake clock
 * sets the registration and edit times, so windows of days can be tested in seconds.
 * Input and output are JSON files named by $wikitoursSimPlan and $wikitoursSimOut.
 */

use MediaWiki\MediaWikiServices;
use MediaWiki\Revision\SlotRecord;
use Wikimedia\Timestamp\ConvertibleTimestamp;

$wgDisableSearchUpdate = true;
$wikitoursT0 = microtime( true );
$wikitoursPlan = json_decode( file_get_contents( $wikitoursSimPlan ), true );
$wikitoursServices = MediaWikiServices::getInstance();
$wikitoursOut = [ 'users' => [], 'edits' => [] ];
foreach ( $wikitoursPlan['users'] as $u ) {
	ConvertibleTimestamp::setFakeTime( $u['registration'] );
	$user = User::createNew( $u['name'] );
	if ( !$user ) {
		$wikitoursOut['users'][$u['name']] = 0;
		continue;
	}
	$log = new ManualLogEntry( 'newusers', 'create' );
	$log->setPerformer( $user );
	$log->setTarget( $user->getUserPage() );
	$log->setParameters( [ '4::userid' => $user->getId() ] );
	$log->publish( $log->insert() );
	DeferredUpdates::doUpdates();
	$wikitoursOut['users'][$u['name']] = $user->getId();
}
$wikitoursOut['seconds_users'] = microtime( true ) - $wikitoursT0;
foreach ( $wikitoursPlan['edits'] as $e ) {
	ConvertibleTimestamp::setFakeTime( $e['time'] );
	$user = User::newFromName( $e['user'] );
	$title = Title::newFromText( $e['title'] );
	$page = $wikitoursServices->getWikiPageFactory()->newFromTitle( $title );
	$updater = $page->newPageUpdater( $user );
	$updater->setContent( SlotRecord::MAIN, ContentHandler::makeContent( $e['text'], $title ) );
	$rev = $updater->saveRevision( CommentStoreComment::newUnsavedComment( $e['summary'] ?? '' ) );
	DeferredUpdates::doUpdates();
	$wikitoursOut['edits'][] = $rev ? $rev->getId() : 0;
}
ConvertibleTimestamp::setFakeTime( false );
$wikitoursOut['seconds'] = microtime( true ) - $wikitoursT0;
file_put_contents( $wikitoursSimOut, json_encode( $wikitoursOut ) );
