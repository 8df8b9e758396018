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

	/**
	 * Every value of the running tour, with its value before a tour runs. This is the one list
	 * of the gadget's state: other modules read and write these properties of wt.state and add
	 * none of their own. The ones marked "kept" go into localStorage ('wikitours-active'), so the
	 * run survives a page load (contracts §4: the run's state).
	 *
	 * - tour: the running tour's data (§4), or null
	 * - index: the tour's frontier, the step the reader has reached (kept)
	 * - shown: the step whose popover is on the page now
	 * - shownOn: the page (wgPageName) where the frontier step was last shown (kept)
	 * - seen: steps already counted as `shown` in this run (§6) (kept)
	 * - editor: the editor the reader opened in this run: source, visual, discussion (kept)
	 * - edits: step id -> revision id of the saves the tour waited for (§5) (kept)
	 * - draft: the run is a draft being tried: nothing is recorded (kept)
	 * - token: counts showings, so a slow lookup never shows a step that is gone
	 * - running: a tour is running on this page
	 * - done: the running tour completed on this page
	 * - veActive: the visual editor is open on this page (set from its hooks)
	 */
	var FIELDS = {
			tour: null,
			index: 0,
			shown: null,
			shownOn: null,
			seen: [],
			editor: null,
			edits: {},
			draft: false,
			token: 0,
			running: false,
			done: false,
			veActive: false
		},
		EDITORS = [ 'source', 'visual', 'discussion' ];

	/**
	 * Put every field back to its value before a tour runs (fresh arrays and objects).
	 *
	 * @return {Object} wt.state
	 */
	function reset() {
		Object.keys( FIELDS ).forEach( function ( key ) {
			var value = FIELDS[ key ];
			wt.state[ key ] = Array.isArray( value ) ? [] :
				value && typeof value === 'object' ? {} : value;
		} );
		return wt.state;
	}

	/**
	 * Save the kept fields of the running tour (and what the caller adds: the tour's id and
	 * version, the link's uselang/useskin) for the next page load.
	 *
	 * @param {Object} extra tour, version, keep
	 */
	function persist( extra ) {
		var S = wt.state;
		writeActive( wt.assign( {
			index: S.index,
			shownOn: S.shownOn || null,
			seen: S.seen || [],
			editor: S.editor || null,
			edits: S.edits || {},
			draft: !!S.draft
		}, extra ) );
	}

	/**
	 * Take back the kept fields from a saved run (readActive()), checking each: the page holds
	 * whatever the reader's browser kept, so nothing is trusted as it is.
	 *
	 * @param {Object} active What readActive() returned
	 * @param {number} length The tour's number of steps (the frontier is clamped to it)
	 */
	function restore( active, length ) {
		var S = wt.state;
		S.index = Math.min( Math.max( 0, active.index ), length );
		S.shownOn = typeof active.shownOn === 'string' ? active.shownOn : null;
		S.seen = Array.isArray( active.seen ) ? active.seen : [];
		S.editor = EDITORS.indexOf( active.editor ) !== -1 ? active.editor : null;
		S.edits = active.edits && typeof active.edits === 'object' ? active.edits : {};
	}

	wt.state = {
		readActive: readActive,
		writeActive: writeActive,
		reset: reset,
		persist: persist,
		restore: restore
	};
	reset();
}( mw.libs.wikitours ) );
