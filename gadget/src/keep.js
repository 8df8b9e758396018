/*
 * The link's `uselang` and `useskin` on every page of the tour.
 *
 * MediaWiki keeps them only on the page they were given to: the edit tab, the edit form's
 * save and the visual editor's switch to source editing all lead to pages without them, so a
 * tour started in Arabic went on in English once the editor opened (issue 17). While a tour
 * runs, links and forms of this wiki get the kept parameters when they are used, the source
 * editor's save comes back with them (its wpExtraQueryRedirect field), and so do the
 * visual editor's switch to source editing and the page it loads after creating a page.
 */
( function ( wt ) {
	'use strict';
	var NAMES = [ 'uselang', 'useskin' ],
		VALUE = /^[a-z][a-z0-9-]{0,30}$/,
		kept = {},
		bound = false;

	/**
	 * @param {*} raw What a saved run or the address held
	 * @return {Object} Only well-formed uselang/useskin values
	 */
	function clean( raw ) {
		var out = {};
		NAMES.forEach( function ( name ) {
			var v = raw && raw[ name ];
			if ( typeof v === 'string' && VALUE.test( v ) ) {
				out[ name ] = v;
			}
		} );
		return out;
	}

	/**
	 * @param {string} href
	 * @return {URL|null} The address, when it is a page of this wiki (not the API or load.php)
	 */
	function ours( href ) {
		var url;
		try {
			url = new URL( href, location.href );
		} catch ( e ) {
			return null;
		}
		if ( url.host !== location.host || !/^https?:$/.test( url.protocol ) ||
			/\/(api|load|rest)\.php/.test( url.pathname ) ) {
			return null;
		}
		return url;
	}

	/**
	 * @param {string} href
	 * @return {string} The address with the kept parameters it does not set itself
	 */
	function withKept( href ) {
		var url = ours( href );
		if ( !url ) {
			return href;
		}
		Object.keys( kept ).forEach( function ( name ) {
			if ( !url.searchParams.has( name ) ) {
				url.searchParams.set( name, kept[ name ] );
			}
		} );
		return url.toString();
	}

	function query() {
		return Object.keys( kept ).map( function ( name ) {
			return name + '=' + encodeURIComponent( kept[ name ] );
		} ).join( '&' );
	}

	function onClick( e ) {
		var a = e.target && e.target.closest && e.target.closest( 'a[href]' ),
			href = a && a.getAttribute( 'href' );
		if ( a && href && href.charAt( 0 ) !== '#' && !/^javascript:/i.test( href ) ) {
			a.href = withKept( a.href );
		}
	}

	function onSubmit( e ) {
		var form = e.target,
			extra;
		if ( !form || form.tagName !== 'FORM' ) {
			return;
		}
		if ( ours( form.action ) ) {
			form.action = withKept( form.action );
		}
		// The source editor's save redirects to the page without them, unless told.
		if ( form.querySelector( '#wpTextbox1, [name="wpTextbox1"]' ) ) {
			extra = form.querySelector( 'input[name="wpExtraQueryRedirect"]' );
			if ( !extra ) {
				extra = document.createElement( 'input' );
				extra.type = 'hidden';
				extra.name = 'wpExtraQueryRedirect';
				form.appendChild( extra );
			}
			extra.value = extra.value ? extra.value + '&' + query() : query();
		}
	}

	/** The visual editor's own addresses: its switch to source editing posts a form itself. */
	function onVisualEditor() {
		var target = window.ve && window.ve.init && window.ve.init.target;
		if ( !target || !Object.keys( kept ).length ) {
			return;
		}
		// viewUri (an mw.Uri) until MediaWiki 1.43, viewUrl (a URL) since: a page created in
		// the visual editor loads it after the save
		[ 'submitUrl', 'viewUri', 'viewUrl' ].forEach( function ( name ) {
			var u = target[ name ];
			if ( u && typeof u.extend === 'function' ) {
				Object.keys( kept ).forEach( function ( k ) {
					if ( !u.query || u.query[ k ] === undefined ) {
						var add = {};
						add[ k ] = kept[ k ];
						u.extend( add );
					}
				} );
			} else if ( typeof u === 'string' || ( typeof URL === 'function' && u instanceof URL ) ) {
				target[ name ] = typeof u === 'string' ? withKept( u ) : new URL( withKept( u.toString() ) );
			}
		} );
	}

	/**
	 * @param {Object} values {uselang, useskin}: what the run keeps (from its start link)
	 */
	function start( values ) {
		kept = clean( values );
		if ( !bound && Object.keys( kept ).length ) {
			bound = true;
			document.addEventListener( 'click', onClick, true );
			document.addEventListener( 'submit', onSubmit, true );
			mw.hook( 've.activationComplete' ).add( onVisualEditor );
		}
	}

	function stop() {
		kept = {};
		if ( bound ) {
			bound = false;
			document.removeEventListener( 'click', onClick, true );
			document.removeEventListener( 'submit', onSubmit, true );
			mw.hook( 've.activationComplete' ).remove( onVisualEditor );
		}
	}

	/**
	 * @return {Object} The parameters of this page's address that a starting tour keeps
	 */
	function fromAddress() {
		var out = {};
		NAMES.forEach( function ( name ) {
			var v = mw.util.getParamValue( name );
			if ( v ) {
				out[ name ] = v;
			}
		} );
		return clean( out );
	}

	wt.keep = {
		clean: clean,
		withKept: withKept,
		fromAddress: fromAddress,
		start: start,
		stop: stop,
		current: function () {
			return wt.assign( {}, kept );
		}
	};
}( mw.libs.wikitours ) );
