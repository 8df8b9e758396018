/*
 * A tiny store for the running tour, like driver.js's state.
 *
 * The part that must survive a page load (which tour, which step) is mirrored in localStorage
 * under the key the loader looks for, so the loader can resume a tour without any request.
 */
( function ( wt ) {
	'use strict';
	var KEY = 'wikitours-active';

	function readActive() {
		var raw;
		try {
			raw = mw.storage.get( KEY );
			raw = raw ? JSON.parse( raw ) : null;
		} catch ( e ) {
			return null;
		}
		if ( !raw || typeof raw.tour !== 'string' || typeof raw.index !== 'number' ) {
			return null;
		}
		return raw;
	}

	function writeActive( active ) {
		if ( active ) {
			mw.storage.set( KEY, JSON.stringify( active ) );
		} else {
			mw.storage.remove( KEY );
		}
	}

	/**
	 * Copy own properties of the sources onto target (ES5 has no Object.assign).
	 *
	 * @param {Object} target
	 * @param {...Object} sources
	 * @return {Object} target
	 */
	wt.assign = function ( target ) {
		Array.prototype.slice.call( arguments, 1 ).forEach( function ( source ) {
			Object.keys( source || {} ).forEach( function ( key ) {
				target[ key ] = source[ key ];
			} );
		} );
		return target;
	};

	// The running tour's values (tour, index, shown, shownOn, token, running, veActive) are
	// plain properties of wt.state, beside these two functions.
	wt.state = {
		readActive: readActive,
		writeActive: writeActive
	};
}( mw.libs.wikitours ) );
