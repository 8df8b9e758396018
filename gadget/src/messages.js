/*
 * Tour data and messages: one API request for the tour, the site configuration, the message
 * pages of the reader's language fallback chain and (when logged in) their progress page.
 *
 * Texts are shown only through mw.message( key, userName ).parseDom(): MediaWiki's message
 * parser escapes any HTML it does not allow, so markup or script in a tour never runs. Only keys
 * starting with "wikitours-" are accepted from the wiki, so a message page cannot replace any
 * other interface message.
 */
( function ( wt ) {
	'use strict';
	var KEY = /^wikitours-[a-z0-9-]+$/;

	function tourTitle( id ) {
		return 'MediaWiki:Wikitours/tours/' + id + '.json';
	}

	function messagesTitle( group, lang ) {
		return 'MediaWiki:Wikitours/messages/' + group + '/' + lang + '.json';
	}

	function progressTitle( userName ) {
		return 'User:' + userName + '/wikitours.json';
	}

	/**
	 * @return {string[]} The reader's languages, most wanted first, always ending in English
	 */
	function languages() {
		var chain = ( mw.language.getFallbackLanguageChain() || [] ).slice();
		if ( chain.indexOf( 'en' ) === -1 ) {
			chain.push( 'en' );
		}
		return chain;
	}

	/**
	 * Merge message objects given most wanted first: later (more wanted) languages win.
	 *
	 * @param {Array} sets Objects of key: text, most wanted first (null for missing pages)
	 * @return {Object} Only keys and texts that are safe to hand to mw.messages
	 */
	function merge( sets ) {
		var out = {};
		sets.slice().reverse().forEach( function ( set ) {
			if ( !set || typeof set !== 'object' || Array.isArray( set ) ) {
				return;
			}
			Object.keys( set ).forEach( function ( key ) {
				if ( KEY.test( key ) && typeof set[ key ] === 'string' && set[ key ].length <= 5000 ) {
					out[ key ] = set[ key ];
				}
			} );
		} );
		return out;
	}

	function parseJson( text ) {
		try {
			return JSON.parse( text );
		} catch ( e ) {
			return null;
		}
	}

	/**
	 * @param {Object} response An action=query&prop=revisions answer with formatversion=2
	 * @param {boolean} [withRevision] Answer {content, revid, timestamp} instead of the content
	 * @return {Function} Title as asked -> page content (or revision), null for a missing page
	 */
	function contents( response, withRevision ) {
		var q = ( response && response.query ) || {},
			byTitle = {},
			asked = {};
		( q.pages || [] ).forEach( function ( page ) {
			var rev = page.revisions && page.revisions[ 0 ],
				slot = rev && rev.slots && rev.slots.main;
			byTitle[ page.title ] = slot && typeof slot.content === 'string' ?
				{ content: slot.content, revid: rev.revid, timestamp: rev.timestamp } : null;
		} );
		( q.normalized || [] ).forEach( function ( n ) {
			asked[ n.from ] = n.to;
		} );
		return function ( title ) {
			var page = byTitle[ asked[ title ] || title ];
			return page ? ( withRevision ? page : page.content ) : null;
		};
	}

	/**
	 * @param {Object|null} tour Parsed tour data
	 * @return {boolean} Whether it has the shape the runtime relies on
	 */
	function validTour( tour ) {
		return !!tour && typeof tour === 'object' && Array.isArray( tour.steps ) &&
			tour.steps.length > 0 && tour.steps.length <= 200 && tour.steps.every( function ( s ) {
			return s && typeof s.id === 'string' && typeof s.title === 'string' &&
					typeof s.text === 'string';
		} );
	}

	/**
	 * The interface messages the texts include with {{int:key}} (the compiler allows only
	 * plain button labels such as savearticle): jqueryMsg shows them only once they are loaded.
	 *
	 * @param {Object} messages Key: text
	 * @return {string[]} Message keys, each once
	 */
	function interfaceKeys( messages ) {
		var keys = [];
		Object.keys( messages ).forEach( function ( k ) {
			var re = /\{\{int:([a-z_]{1,40})\}\}/g, m;
			while ( ( m = re.exec( messages[ k ] ) ) && keys.length < 50 ) {
				if ( keys.indexOf( m[ 1 ] ) === -1 ) {
					keys.push( m[ 1 ] );
				}
			}
		} );
		return keys;
	}

	function query( titles ) {
		return new mw.Api().get( {
			action: 'query',
			prop: 'revisions',
			titles: titles.join( '|' ),
			rvprop: 'content',
			rvslots: 'main',
			formatversion: 2
		} );
	}

	/**
	 * Load everything a tour needs in one request (two when the tour's source language is not
	 * in the reader's chain) and register its messages.
	 *
	 * @param {string} id Tour id
	 * @return {jQuery.Promise} Resolves to {tour, site, progress}; tour is null when missing
	 */
	function load( id ) {
		var langs = languages(),
			userName = mw.user.getName(),
			titles = [ tourTitle( id ), 'MediaWiki:Gadget-wikitours-tours.json' ];
		langs.forEach( function ( lang ) {
			titles.push( messagesTitle( id, lang ), messagesTitle( 'ui', lang ) );
		} );
		if ( userName ) {
			titles.push( progressTitle( userName ) );
		}
		return query( titles ).then( function ( response ) {
			var get = contents( response ),
				tour = parseJson( get( tourTitle( id ) ) ),
				sets = [],
				extra;
			langs.forEach( function ( lang ) {
				sets.push( parseJson( get( messagesTitle( id, lang ) ) ) );
				sets.push( parseJson( get( messagesTitle( 'ui', lang ) ) ) );
			} );
			tour = validTour( tour ) ? tour : null;
			function done( more ) {
				var merged = merge( sets.concat( more ? [ more ] : [] ) ),
					keys = interfaceKeys( merged ),
					result = {
						tour: tour,
						site: parseJson( get( 'MediaWiki:Gadget-wikitours-tours.json' ) ) || {},
						progress: userName ? parseJson( get( progressTitle( userName ) ) ) : null
					};
				mw.messages.set( merged );
				if ( !keys.length ) {
					return result;
				}
				// A label that cannot be loaded shows as ⧼key⧽; the tour still starts.
				return new mw.Api().loadMessagesIfMissing( keys ).then( function () {
					return result;
				}, function () {
					return result;
				} );
			}
			if ( tour && typeof tour.sourceLanguage === 'string' &&
				/^[a-z0-9-]+$/.test( tour.sourceLanguage ) && langs.indexOf( tour.sourceLanguage ) === -1 ) {
				extra = messagesTitle( id, tour.sourceLanguage );
				return query( [ extra ] ).then( function ( r ) {
					return done( parseJson( contents( r )( extra ) ) );
				}, function () {
					return done( null );
				} );
			}
			return done( null );
		} );
	}

	/**
	 * @param {string} key
	 * @param {...*} params
	 * @return {jQuery} The message parsed by MediaWiki's safe parser, with $1 = user name
	 */
	function dom( key ) {
		var params = Array.prototype.slice.call( arguments, 1 );
		if ( !params.length ) {
			params = [ mw.user.getName() || '' ];
		}
		return mw.message.apply( mw, [ key ].concat( params ) ).parseDom();
	}

	/**
	 * @param {...*} keyAndParams
	 * @return {string} Plain text, for attributes and button labels
	 */
	function plain() {
		return mw.message.apply( mw, arguments ).text();
	}

	wt.messages = {
		languages: languages,
		merge: merge,
		interfaceKeys: interfaceKeys,
		contents: contents,
		validTour: validTour,
		load: load,
		dom: dom,
		text: plain,
		progressTitle: progressTitle
	};
}( mw.libs.wikitours ) );
