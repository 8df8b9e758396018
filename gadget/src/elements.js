/*
 * Finding a step's element: the entries for the current skin (or "*") that are for this
 * MediaWiki version and DiscussionTools state, tried in order (contracts §4), waiting with a
 * MutationObserver for elements that appear late (editors, menus, dialogs) up to a timeout.
 */
( function ( wt ) {
	'use strict';

	/**
	 * A dialog that covers everything else: the visual editor's first-use welcome. While it is
	 * open, a step pointing at something else waits (and its time does not run out), so no
	 * popover sits empty under it; a step pointing into it is shown at once.
	 */
	var BLOCKING = '.oo-ui-window-active .ve-init-mw-welcomeDialog, .ve-init-mw-welcomeDialog.oo-ui-window-active';

	function visible( el ) {
		var r = el.getBoundingClientRect();
		return r.width > 0 && r.height > 0 && getComputedStyle( el ).visibility !== 'hidden';
	}

	/**
	 * @param {string} v A MediaWiki version, like "1.43.9" or "1.44.0-wmf.3"
	 * @return {number[]|null} [major, minor]
	 */
	function versionKey( v ) {
		var m = /^(\d+)\.(\d+)/.exec( String( v || '' ) );
		return m ? [ Number( m[ 1 ] ), Number( m[ 2 ] ) ] : null;
	}

	function before( a, b ) {
		return a[ 0 ] < b[ 0 ] || ( a[ 0 ] === b[ 0 ] && a[ 1 ] < b[ 1 ] );
	}

	/**
	 * @param {string|Object} entry A selector, or {css, since, before, dt}
	 * @param {number[]|null} version Unknown: every version's entry applies
	 * @param {boolean|null} dt Whether talk pages use DiscussionTools; null when unknown
	 * @return {string|null} The selector, if the entry is for this page
	 */
	function entryFor( entry, version, dt ) {
		var since, until;
		if ( typeof entry === 'string' ) {
			return entry;
		}
		if ( !entry || typeof entry.css !== 'string' ) {
			return null;
		}
		if ( version ) {
			since = versionKey( entry.since );
			until = versionKey( entry.before );
			if ( ( since && before( version, since ) ) || ( until && !before( version, until ) ) ) {
				return null;
			}
		}
		if ( typeof dt === 'boolean' && typeof entry.dt === 'boolean' && entry.dt !== dt ) {
			return null;
		}
		return entry.css;
	}

	/**
	 * Whether this page's talk tools are DiscussionTools: true when it says so, null (unknown,
	 * so both kinds of entry are tried) otherwise.
	 *
	 * @return {boolean|null}
	 */
	function discussionTools() {
		var features = mw.config.get( 'wgDiscussionToolsFeaturesEnabled' );
		if ( features && typeof features === 'object' ) {
			return Object.keys( features ).some( function ( k ) {
				return features[ k ] === true;
			} ) || null;
		}
		return typeof document !== 'undefined' && document.querySelector &&
			document.querySelector( '.ext-discussiontools-init-section, .ext-discussiontools-init-replylink-buttons' ) ?
			true : null;
	}

	/**
	 * @param {Object|null} target A step's target (contracts §4)
	 * @param {string} skin
	 * @param {string} [version] MediaWiki's version (default: this wiki's wgVersion)
	 * @param {boolean|null} [dt] DiscussionTools (default: as this page shows)
	 * @return {string[]} The selectors to try, in order
	 */
	function selectors( target, skin, version, dt ) {
		var s = target && target.selectors,
			key, out = [];
		if ( !s ) {
			return [];
		}
		key = versionKey( version === undefined ? mw.config.get( 'wgVersion' ) : version );
		if ( dt === undefined ) {
			dt = discussionTools();
		}
		( s[ skin ] || s[ '*' ] || [] ).forEach( function ( entry ) {
			var css = entryFor( entry, key, dt );
			if ( css && out.indexOf( css ) === -1 ) {
				out.push( css );
			}
		} );
		return out;
	}

	function query( selector ) {
		try {
			return document.querySelector( selector );
		} catch ( e ) {
			return null;
		}
	}

	function find( list ) {
		var i, el;
		for ( i = 0; i < list.length; i++ ) {
			el = query( list[ i ] );
			if ( el && visible( el ) ) {
				return el;
			}
		}
		return null;
	}

	/**
	 * @param {string[]} list The step's selectors
	 * @return {boolean} A covering dialog is open and the step does not point into it
	 */
	function blocked( list ) {
		var dialog = query( BLOCKING );
		return !!dialog && visible( dialog ) && !list.some( function ( s ) {
			var el = query( s );
			return el && dialog.contains( el );
		} );
	}

	/**
	 * @param {string[]} list Selectors
	 * @param {number} ms How long to wait (not counting time under a covering dialog)
	 * @return {jQuery.Promise} Resolves with the element, rejects when it never appears
	 */
	function waitFor( list, ms ) {
		var d = $.Deferred(),
			el = blocked( list ) ? null : find( list ),
			observer, timer, poll;
		if ( el ) {
			return d.resolve( el ).promise();
		}
		function check() {
			var found = blocked( list ) ? null : find( list );
			if ( found ) {
				observer.disconnect();
				clearTimeout( timer );
				clearInterval( poll );
				d.resolve( found );
			}
		}
		function expire() {
			if ( blocked( list ) ) {
				// The reader is reading the welcome dialog: the step's time starts when it closes.
				timer = setTimeout( expire, ms );
				return;
			}
			observer.disconnect();
			clearInterval( poll );
			d.reject();
		}
		observer = new MutationObserver( check );
		observer.observe( document.body, { childList: true, subtree: true, attributes: true, attributeFilter: [ 'class', 'style', 'hidden' ] } );
		// Elements also become visible through style sheets loading late.
		poll = setInterval( check, 250 );
		timer = setTimeout( expire, ms );
		return d.promise();
	}

	/**
	 * @param {Element} el
	 * @return {Element} What a click on the step's element means: the link or button in it
	 */
	function clickable( el ) {
		if ( el.matches( 'a, button, input, [role="button"]' ) ) {
			return el;
		}
		return el.querySelector( 'a[href], button, input[type="submit"], [role="button"]' ) || el;
	}

	wt.elements = {
		selectors: selectors,
		entryFor: entryFor,
		versionKey: versionKey,
		discussionTools: discussionTools,
		blocked: blocked,
		waitFor: waitFor,
		clickable: clickable,
		visible: visible
	};
}( mw.libs.wikitours ) );
