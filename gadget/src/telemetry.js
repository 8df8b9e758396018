/*
 * Anonymous funnel events (contracts §6), batched and sent with navigator.sendBeacon to the
 * configured eventUrl only. A module of its own (ext.gadget.wikitours-events), loaded by the
 * runtime only when an eventUrl is set; it sends what the runtime logged before it arrived.
 * No user name and no time stamp ever leave the browser.
 */
( function ( wt ) {
	'use strict';
	var queue = [],
		timer = null,
		bound = false;

	function flush() {
		var url = wt.config.eventUrl,
			body;
		clearTimeout( timer );
		timer = null;
		if ( !queue.length ) {
			return;
		}
		body = JSON.stringify( { wiki: location.host, events: queue } );
		queue = [];
		if ( url && navigator.sendBeacon ) {
			try {
				navigator.sendBeacon( url, body );
			} catch ( e ) {}
		}
	}

	function onHide() {
		if ( document.visibilityState === 'hidden' ) {
			flush();
		}
	}

	/**
	 * @param {string} action started, shown, advanced, completed or abandoned
	 * @param {Object} tour
	 * @param {number} index Step index (0-based)
	 */
	function log( action, tour, index ) {
		var step = tour.steps[ index ];
		if ( !wt.config.eventUrl ) {
			return;
		}
		if ( !bound ) {
			bound = true;
			window.addEventListener( 'pagehide', flush );
			document.addEventListener( 'visibilitychange', onHide );
		}
		queue.push( {
			tour: tour.id,
			version: tour.version,
			step: step ? step.id : null,
			index: index,
			action: action,
			lang: mw.config.get( 'wgUserLanguage' ),
			skin: mw.config.get( 'skin' )
		} );
		if ( queue.length >= 20 ) {
			flush();
		} else if ( !timer ) {
			timer = setTimeout( flush, 3000 );
		}
	}

	( wt.telemetry ? wt.telemetry.queue : [] ).forEach( function ( args ) {
		log.apply( null, args );
	} );
	wt.telemetry = { log: log, flush: flush };
}( mw.libs.wikitours ) );
